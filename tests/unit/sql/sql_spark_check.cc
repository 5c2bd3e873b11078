// sql_spark_check: proves on a real Spark (Spark Connect) that the SQL built
// by sql/ is valid Spark SQL and returns the right rows. Reads nyctaxi.trips
// (never modified) and writes a scratch Delta table
// default.lakegate_sql_check_<pid>, dropped at the end.
//   sql_spark_check [sc://host:port]      (default: $LAKEGATE_SPARK_CONNECT)
// Prints one line per check; exit status 0 if all passed, 1 otherwise.
// Each result check compares with an oracle query written by hand.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend_factory.h"
#include "collecting_sink.h"
#include "sql/filter_parser.h"
#include "sql/table_statements.h"
#include "util/sql_identifier.h"

namespace {

using lakegate::Result;
using lakegate::backend::Statement;
using lakegate::backend::Value;
using lakegate::sql::ClientValue;
using Rows = std::vector<std::vector<std::string>>;

struct Checker {
  lakegate::backend::Backend* backend = nullptr;
  int failures = 0;
  int passes = 0;

  Result<Rows> run(const Statement& statement, std::vector<std::string>* names = nullptr) {
    lakegate::backend::CancelToken cancel(std::chrono::steady_clock::now() +
                                          std::chrono::seconds(120));
    lakegate::backend::testing::CollectingSink sink;
    auto summary = backend->execute(statement, sink, cancel);
    if (!summary) return summary.error();
    if (names) {
      for (const auto& field : sink.schema.fields) names->push_back(field.name);
    }
    return sink.rows;
  }
  Result<Rows> run(const std::string& sql) { return run(Statement{sql, {}, {}}); }

  void report(bool ok, const std::string& label, const std::string& detail) {
    std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", label.c_str(), detail.empty() ? "" : ": ",
                detail.c_str());
    ok ? ++passes : ++failures;
  }

  static std::string show(const Rows& rows) {
    std::string out;
    for (size_t row = 0; row < rows.size() && row < 5; ++row) {
      out += "[";
      for (size_t cell = 0; cell < rows[row].size(); ++cell) {
        out += (cell ? ", " : "") + rows[row][cell];
      }
      out += "]";
    }
    return out + (rows.size() > 5 ? " … (" + std::to_string(rows.size()) + " rows)" : "");
  }

  // Runs `built` (a builder's result); its rows must equal `oracle`'s.
  void same(const std::string& label, const Result<Statement>& built, const std::string& oracle) {
    if (!built) return report(false, label, "build: " + built.error().message);
    auto actual = run(*built);
    if (!actual) return report(false, label, actual.error().message + "\n  " + built->sql);
    auto expected = run(oracle);
    if (!expected) return report(false, label, "oracle: " + expected.error().message);
    report(*actual == *expected, label,
           *actual == *expected ? show(*actual) : show(*actual) + " != " + show(*expected));
  }

  // Runs `built`; it must succeed (its rows are not checked).
  bool runs(const std::string& label, const Result<Statement>& built) {
    if (!built) {
      report(false, label, "build: " + built.error().message);
      return false;
    }
    auto result = run(*built);
    report(result.ok(), label, result ? "" : result.error().message + "\n  " + built->sql);
    return result.ok();
  }

  // Runs `built`; Spark must refuse it.
  void fails(const std::string& label, const Result<Statement>& built) {
    if (!built) return report(false, label, "build: " + built.error().message);
    auto result = run(*built);
    report(!result.ok(), label,
           result ? "unexpectedly succeeded" : result.error().message.substr(0, 120));
  }

  void rows(const std::string& label, const std::string& oracle, const Rows& expected) {
    auto actual = run(oracle);
    if (!actual) return report(false, label, actual.error().message);
    report(*actual == expected, label,
           *actual == expected ? show(*actual) : show(*actual) + " != " + show(expected));
  }
};

ClientValue scalar(Value value) {
  return ClientValue{std::move(value), ""};
}
ClientValue json(std::string text) {
  return ClientValue{Value::null(), std::move(text)};
}

lakegate::catalog::TableSchema trips_table() {
  lakegate::catalog::TableSchema table;
  table.name = {"spark_catalog", "nyctaxi", "trips"};
  table.is_delta = true;
  for (auto [name, type] : {std::pair{"tpep_pickup_datetime", "timestamp"},
                            {"tpep_dropoff_datetime", "timestamp"},
                            {"trip_distance", "double"},
                            {"fare_amount", "decimal(10,2)"},
                            {"pickup_zip", "int"},
                            {"dropoff_zip", "int"},
                            {"passenger_count", "int"}}) {
    table.columns.push_back({name, type, true, "", false});
  }
  return table;
}

void check_identifiers(Checker& check) {
  for (std::string name : {"a`b", "``", "a b", "größe", "x'y\"z", "select"}) {
    std::vector<std::string> names;
    auto result = check.run(
        Statement{"SELECT 1 AS " + lakegate::util::quote_sql_identifier(name), {}, {}}, &names);
    bool ok = result.ok() && names.size() == 1 && names[0] == name;
    check.report(ok,
                 "backtick rule: " + lakegate::util::quote_sql_identifier(name) + " names " + name,
                 result ? "" : result.error().message);
  }
}

void check_reads(Checker& check) {
  auto table = trips_table();
  const std::string from = " FROM spark_catalog.nyctaxi.trips";
  struct FilterCase {
    const char* filter;
    const char* oracle_where;
  };
  const FilterCase cases[] = {
      {"passenger_count = 2 and fare_amount > 10.5", "passenger_count = 2 AND fare_amount > 10.5"},
      {"pickup_zip in (10001, '10002') or dropoff_zip eq 10003",
       "pickup_zip IN (10001, 10002) OR dropoff_zip = 10003"},
      {"not (passenger_count >= 3) && trip_distance < 1.5e0",
       "NOT (passenger_count >= 3) AND trip_distance < 1.5"},
      {"fare_amount between 5 and 6.25", "fare_amount BETWEEN 5 AND 6.25"},
      {"passenger_count not between 2 and 4", "passenger_count NOT BETWEEN 2 AND 4"},
      {"tpep_pickup_datetime >= '2016-02-10' and tpep_pickup_datetime < 2016-02-11",
       "tpep_pickup_datetime >= TIMESTAMP '2016-02-10' AND tpep_pickup_datetime < TIMESTAMP "
       "'2016-02-11'"},
      {"pickup_zip is not null and dropoff_zip <> 10001", "dropoff_zip != 10001"},
      {"pickup_zip NOT IN (10001, 10002)", "pickup_zip NOT IN (10001, 10002)"},
      {"pickup_zip starts with 100", "CAST(pickup_zip AS STRING) LIKE '100%'"},
      {"pickup_zip contains 00 and pickup_zip not ends with 1",
       "CAST(pickup_zip AS STRING) LIKE '%00%' AND CAST(pickup_zip AS STRING) NOT LIKE '%1'"},
      {"fare_amount like '1_.%'", "CAST(fare_amount AS STRING) LIKE '1_.%'"},
      {"passenger_count = :n or fare_amount = :f", "passenger_count = 5 OR fare_amount = 7.50"},
  };
  for (const auto& filter_case : cases) {
    lakegate::sql::ReadRequest read;
    read.filter = filter_case.filter;
    read.params = {{":n", scalar(Value::int64(5))}, {"f", scalar(Value::decimal("7.50"))}};
    check.same(
        std::string("count where ") + filter_case.filter, lakegate::sql::build_count(table, read),
        std::string("SELECT count(*) AS count") + from + " WHERE " + filter_case.oracle_where);
  }

  lakegate::sql::ReadRequest read;
  read.fields = {"pickup_zip", "fare_amount", "passenger_count"};
  read.filter = "passenger_count > 1";
  read.order = {{"fare_amount", true, false}, {"pickup_zip", false, std::nullopt}};
  read.limit = 5;
  read.offset = 3;
  check.same("select fields/order/limit+1/offset", lakegate::sql::build_select(table, read, true),
             "SELECT pickup_zip, fare_amount, passenger_count" + from +
                 " WHERE passenger_count > 1 ORDER BY fare_amount DESC NULLS LAST, pickup_zip ASC "
                 "LIMIT 6 OFFSET 3");

  lakegate::sql::ReadRequest grouped;
  grouped.fields = {"passenger_count",    "COUNT(*)",        "sum(fare_amount)",
                    "AVG(trip_distance)", "min(pickup_zip)", "MAX(dropoff_zip)"};
  grouped.group = {"passenger_count"};
  grouped.order = {{"COUNT_ALL", true, std::nullopt}};
  check.same("group with aggregates", lakegate::sql::build_select(table, grouped, false),
             "SELECT passenger_count, COUNT(*), SUM(fare_amount), AVG(trip_distance), "
             "MIN(pickup_zip), MAX(dropoff_zip)" +
                 from + " GROUP BY passenger_count ORDER BY COUNT(*) DESC");
  check.same("count of groups", lakegate::sql::build_count(table, grouped),
             "SELECT count(DISTINCT passenger_count) + max(CASE WHEN passenger_count IS NULL "
             "THEN 1 ELSE 0 END)" +
                 from);

  lakegate::sql::ReadRequest by_ids;
  by_ids.ids = {"10001", "10003"};
  by_ids.id_fields = {"pickup_zip"};
  check.same("ids as strings against an int column", lakegate::sql::build_count(table, by_ids),
             "SELECT count(*)" + from + " WHERE pickup_zip IN (10001, 10003)");

  lakegate::sql::ReadRequest version;
  version.time_travel.version = 0;
  check.same("VERSION AS OF 0", lakegate::sql::build_count(table, version),
             "SELECT count(*)" + from + " VERSION AS OF 0");

  lakegate::sql::PolicyFilter policy;
  policy.expression = std::make_shared<lakegate::sql::filter::Node>(
      *lakegate::sql::filter::parse("pickup_zip = {user.zip}"));
  policy.lookups["user.zip"] = Value::int64(10001);
  lakegate::sql::ReadRequest with_policy;
  with_policy.filter = "passenger_count = 1";
  check.same("policy filter ANDed", lakegate::sql::build_count(table, with_policy, policy),
             "SELECT count(*)" + from + " WHERE passenger_count = 1 AND pickup_zip = 10001");
}

// Builds a record from (column, value) pairs.
lakegate::sql::Record record(std::vector<std::pair<std::string, ClientValue>> values) {
  return values;
}

void check_writes(Checker& check, const std::string& scratch) {
  lakegate::catalog::TableSchema table;
  table.name = {"spark_catalog", "default", scratch};
  table.is_delta = true;
  const std::pair<const char*, const char*> columns[] = {{"id", "bigint"},
                                                         {"name", "string"},
                                                         {"price", "decimal(10,2)"},
                                                         {"qty", "int"},
                                                         {"ratio", "double"},
                                                         {"active", "boolean"},
                                                         {"created", "date"},
                                                         {"updated", "timestamp"},
                                                         {"tags", "array<string>"},
                                                         {"attrs", "map<string,int>"},
                                                         {"by_int", "map<int,string>"},
                                                         {"info", "struct<a:int,b:string>"},
                                                         {"payload", "binary"},
                                                         {"weird` name", "string"}};
  std::string ddl = "CREATE TABLE " + lakegate::catalog::quote_table_name(table.name) + " (";
  for (const auto& [name, type] : columns) {
    table.columns.push_back({name, type, std::string(name) != "id", "", false});
    ddl += lakegate::util::quote_sql_identifier(name) + " " + type +
           (std::string(name) == "id" ? " NOT NULL" : "") + ", ";
  }
  ddl.resize(ddl.size() - 2);
  // Column mapping lets Delta store a name with a space and a backtick.
  ddl +=
      ") USING DELTA TBLPROPERTIES ('delta.columnMapping.mode' = 'name', "
      "'delta.minReaderVersion' = '2', 'delta.minWriterVersion' = '5')";
  auto created = check.run(ddl);
  check.report(created.ok(), "create scratch table " + scratch,
               created ? "" : created.error().message);
  if (!created) return;
  const std::string t = lakegate::catalog::quote_table_name(table.name);

  lakegate::sql::InsertRequest insert;
  insert.records.push_back(record({{"id", scalar(Value::int64(1))},
                                   {"name", scalar(Value::string("50% off_now!"))},
                                   {"price", scalar(Value::decimal("12.50"))},
                                   {"qty", scalar(Value::int64(3))},
                                   {"ratio", scalar(Value::float64(0.25))},
                                   {"active", scalar(Value::boolean(true))},
                                   {"created", scalar(Value::string("2024-01-31"))},
                                   {"updated", scalar(Value::string("2024-01-31 10:11:12"))},
                                   {"tags", json("[\"a\",\"b\"]")},
                                   {"attrs", json("{\"k\":1}")},
                                   {"by_int", json("[{\"key\":7,\"value\":\"seven\"}]")},
                                   {"info", json("{\"a\":1,\"b\":\"x\"}")},
                                   {"payload", scalar(Value::string("AAH/"))},
                                   {"weird` name", scalar(Value::string("w"))}}));
  insert.records.push_back(record({{"id", scalar(Value::int64(2))},
                                   {"name", scalar(Value::string("Zürich 東京 🚀 'q' `b`"))},
                                   {"qty", scalar(Value::string("4"))},
                                   {"by_int", json("[{\"key\":8,\"value\":\"eight\"}]")}}));
  insert.records.push_back(record({{"NAME", scalar(Value::int64(500))},
                                   {"ID", scalar(Value::string("3"))},
                                   {"price", scalar(Value::float64(1.5))}}));
  if (!check.runs("insert 3 records, mixed keys", lakegate::sql::build_insert(table, insert)))
    return;
  // A moment between the insert (version 1) and the next commit.
  auto after_insert = check.run("SELECT CAST(current_timestamp() AS STRING)");
  check.rows(
      "inserted values",
      "SELECT id, name, CAST(price AS STRING), qty, ratio, active, CAST(created AS STRING), "
      "CAST(updated AS STRING), to_json(tags), to_json(attrs), to_json(by_int), "
      "to_json(info), hex(payload), `weird`` name` FROM " +
          t + " ORDER BY id",
      {{"1", "50% off_now!", "12.50", "3", "0.250000", "true", "2024-01-31", "2024-01-31 10:11:12",
        "[\"a\",\"b\"]", "{\"k\":1}", "{\"7\":\"seven\"}", "{\"a\":1,\"b\":\"x\"}", "0001FF", "w"},
       {"2", "Zürich 東京 🚀 'q' `b`", "NULL", "4", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL",
        "{\"8\":\"eight\"}", "NULL", "NULL", "NULL"},
       {"3", "500", "1.50", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL",
        "NULL", "NULL"}});

  lakegate::sql::InsertRequest bad_shape;
  bad_shape.records.push_back(
      record({{"id", scalar(Value::int64(9))}, {"attrs", json("{\"k\":\"not a number\"}")}}));
  check.fails("from_json FAILFAST refuses a wrong shape",
              lakegate::sql::build_insert(table, bad_shape));

  auto ids_where = [&](const char* filter) {
    lakegate::sql::ReadRequest read;
    read.fields = {"id"};
    read.filter = filter;
    read.order = {{"id", false, std::nullopt}};
    return lakegate::sql::build_select(table, read, false);
  };
  check.same("CONTAINS escapes %", ids_where("name contains '50%'"), "SELECT 1L");
  check.same("CONTAINS escapes _ and !", ids_where("name contains 'off_now!'"), "SELECT 1L");
  check.same("CONTAINS % matches nothing literal", ids_where("name contains '0%o'"),
             "SELECT 1L WHERE false");
  check.same("LIKE keeps wildcards", ids_where("name like '50_ off%'"), "SELECT 1L");
  check.same("unicode and quotes equality", ids_where("name = 'Zürich 東京 🚀 ''q'' `b`'"),
             "SELECT 2L");
  check.same("bare number on a string column", ids_where("name = 500"), "SELECT 3L");
  check.same("weird column name", ids_where("`weird`` name` = w"), "SELECT 1L");
  check.same("decimal exact", ids_where("price = 12.50 or price = 1.5"),
             "SELECT 1L UNION ALL SELECT 3L");
  check.same("nested column IS NULL", ids_where("tags is null"), "SELECT 2L UNION ALL SELECT 3L");

  lakegate::sql::UpdateRequest update;
  update.values = record({{"qty", scalar(Value::int64(10))}, {"tags", json("[\"u\"]")}});
  update.filter = "name starts with Zü";
  check.runs("update by filter", lakegate::sql::build_update(table, update));
  check.rows("updated", "SELECT id, qty, to_json(tags) FROM " + t + " WHERE id = 2",
             {{"2", "10", "[\"u\"]"}});

  lakegate::sql::MergeRequest merge;
  merge.id_fields = {"id"};
  merge.records.push_back(
      record({{"id", scalar(Value::int64(1))}, {"name", scalar(Value::string("one"))}}));
  merge.records.push_back(
      record({{"id", scalar(Value::int64(2))}, {"qty", scalar(Value::int64(20))}}));
  merge.records.push_back(record({{"id", scalar(Value::int64(4))},
                                  {"name", scalar(Value::string("four"))},
                                  {"attrs", json("{\"z\":26}")}}));
  check.runs("merge with partial columns", lakegate::sql::build_merge(table, merge));
  check.rows("merged", "SELECT id, name, qty, to_json(attrs) FROM " + t + " ORDER BY id",
             {{"1", "one", "3", "{\"k\":1}"},
              {"2", "Zürich 東京 🚀 'q' `b`", "20", "NULL"},
              {"3", "500", "NULL", "NULL"},
              {"4", "four", "NULL", "{\"z\":26}"}});

  if (after_insert && !after_insert->empty()) {
    lakegate::sql::ReadRequest as_of;
    as_of.time_travel.timestamp = (*after_insert)[0][0];
    check.same("TIMESTAMP AS OF ? (after the insert)", lakegate::sql::build_count(table, as_of),
               "SELECT 3L");
    as_of.time_travel = {};
    as_of.time_travel.version = 1;
    check.same("VERSION AS OF 1", lakegate::sql::build_count(table, as_of), "SELECT 3L");
  } else {
    check.report(false, "current_timestamp",
                 after_insert ? "no row" : after_insert.error().message);
  }

  lakegate::sql::DeleteRequest remove;
  remove.ids = {"1", "4"};
  remove.id_fields = {"id"};
  check.runs("delete by ids", lakegate::sql::build_delete(table, remove));
  remove = {};
  remove.filter = "qty >= :q";
  remove.params = {{"q", scalar(Value::int64(20))}};
  check.runs("delete by filter", lakegate::sql::build_delete(table, remove));
  check.rows("left after deletes", "SELECT id FROM " + t + " ORDER BY id", {{"3"}});
}

}  // namespace

int main(int argc, char** argv) {
  const char* url = argc > 1 ? argv[1] : std::getenv("LAKEGATE_SPARK_CONNECT");
  if (url == nullptr) {
    std::fprintf(stderr, "usage: %s sc://host:port (or set LAKEGATE_SPARK_CONNECT)\n", argv[0]);
    return 2;
  }
  lakegate::config::ServiceConfig config;
  config.name = "sql_check";
  config.type = "spark";
  config.workspace_url = url;
  auto backend = lakegate::backend::make_backend(config);
  if (!backend) {
    std::fprintf(stderr, "error: %s\n", backend.error().message.c_str());
    return 1;
  }
  Checker check;
  check.backend = backend->get();
  check_identifiers(check);
  check_reads(check);
  std::string scratch = "lakegate_sql_check_" + std::to_string(getpid());
  check_writes(check, scratch);
  auto dropped = check.run("DROP TABLE IF EXISTS spark_catalog.default." + scratch);
  check.report(dropped.ok(), "drop scratch table", dropped ? "" : dropped.error().message);
  std::printf("%d passed, %d failed\n", check.passes, check.failures);
  (*backend)->shutdown();
  return check.failures == 0 ? 0 : 1;
}
