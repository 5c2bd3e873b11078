// Converts a Spark Connect DataType (the `schema` response, a struct) into
// lakegate's Arrow schema, following Spark's own Spark → Arrow type mapping,
// so an empty result still has typed columns. Pure; thread-safe.
#pragma once

#include "core/record_batch.h"
#include "spark/connect/types.pb.h"

namespace lakegate::backend::spark_connect {

// A struct becomes one field per member; any other type becomes a single
// field named "value". Unknown kinds become Null columns. `session_time_zone`
// is the zone of TIMESTAMP columns (Spark's session time zone).
arrow::Schema to_arrow_schema(const spark::connect::DataType& type,
                              const std::string& session_time_zone = "UTC");

}  // namespace lakegate::backend::spark_connect
