// The table the _table plan tests read and write: spark_catalog.shop.orders
// with an id column (optional, named as asked), name and amount; Delta or
// a plain Parquet table. No Spark: the plans only look at the schema.
#pragma once

#include <memory>
#include <string>

#include "api/table/table_handlers.h"

namespace lakegate::api::testing {

inline TableTarget orders_table(bool is_delta = true, bool with_id = true,
                                const std::string& id_column = "id") {
  auto schema = std::make_shared<catalog::TableSchema>();
  schema->name = {"spark_catalog", "shop", "orders"};
  schema->is_delta = is_delta;
  schema->provider = is_delta ? "delta" : "parquet";
  if (with_id) schema->columns.push_back({id_column, "bigint"});
  schema->columns.push_back({"name", "string"});
  schema->columns.push_back({"amount", "decimal(10,2)"});
  TableTarget target;
  target.name = schema->name;
  target.schema = schema;
  return target;
}

}  // namespace lakegate::api::testing
