#include "backend/spark_connect/error_mapping.h"

#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace lakegate::backend::spark_connect {
namespace {

// A status shaped like Spark Connect's: INTERNAL, the message, and a
// google.rpc.Status with one ErrorInfo in the details trailer.
grpc::Status spark_status(const std::string& message,
                          std::vector<std::pair<std::string, std::string>> metadata,
                          const std::string& reason = "org.apache.spark.sql.AnalysisException") {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("org.apache.spark");
  for (auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INTERNAL);
  details.set_message(message);
  details.add_details()->PackFrom(info);
  return grpc::Status(grpc::StatusCode::INTERNAL, message, details.SerializeAsString());
}

constexpr const char* kTableMessage =
    "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. Verify the spelling.\n"
    "If you did not qualify the name with a schema, verify the current_schema() output. "
    "SQLSTATE: 42P01; line 1 pos 14;\n'Project [*]\n+- 'UnresolvedRelation [nope], [], false\n";

TEST(ErrorMapping, TableNotFoundIs404WithContext) {
  Error error = map_grpc_status(
      spark_status(kTableMessage, {{"errorClass", "TABLE_OR_VIEW_NOT_FOUND"},
                                   {"sqlState", "42P01"},
                                   {"messageParameters", "{\"relationName\":\"`nope`\"}"},
                                   {"errorId", "e1"}}),
      "sc://h:1");
  EXPECT_EQ(error.code, ErrorCode::kTableNotFound);
  EXPECT_EQ(error.context_value("errorClass"), "TABLE_OR_VIEW_NOT_FOUND");
  EXPECT_EQ(error.context_value("sqlState"), "42P01");
  EXPECT_EQ(error.context_value("messageParameters"), "{\"relationName\":\"`nope`\"}");
  // The plan dump after ";\n" is gone; the explanation is kept.
  EXPECT_EQ(error.message.find("UnresolvedRelation"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("current_schema()"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("line 1 pos 14"), std::string::npos) << error.message;
}

TEST(ErrorMapping, OtherNotFoundClasses) {
  for (const char* error_class : {"SCHEMA_NOT_FOUND", "CATALOG_NOT_FOUND", "DELTA_TABLE_NOT_FOUND",
                                  "PATH_NOT_FOUND", "VIEW_NOT_FOUND"}) {
    Error error = map_grpc_status(spark_status("x", {{"errorClass", error_class}}), "e");
    EXPECT_EQ(error.code, ErrorCode::kTableNotFound) << error_class;
  }
  for (const char* error_class :
       {"UNRESOLVED_COLUMN.WITH_SUGGESTION", "ROUTINE_NOT_FOUND", "PARSE_SYNTAX_ERROR"}) {
    Error error = map_grpc_status(spark_status("x", {{"errorClass", error_class}}), "e");
    EXPECT_EQ(error.code, ErrorCode::kSparkAnalysis) << error_class;
  }
}

TEST(ErrorMapping, ParseErrorKeepsCaretLines) {
  const std::string message =
      "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n\n"
      "== SQL ==\nSELEC 1\n^^^\n";
  Error error = map_grpc_status(
      spark_status(message, {{"errorClass", "PARSE_SYNTAX_ERROR"}, {"sqlState", "42601"}},
                   "org.apache.spark.sql.catalyst.parser.ParseException"),
      "e");
  EXPECT_EQ(error.code, ErrorCode::kSparkAnalysis);
  EXPECT_EQ(error.message.front(), '[');
  EXPECT_NE(error.message.find("SELEC 1\n^^^"), std::string::npos) << error.message;
  EXPECT_EQ(error.context_value("exception"),
            "org.apache.spark.sql.catalyst.parser.ParseException");
}

TEST(ErrorMapping, StackTracesAreTrimmed) {
  std::string message =
      "[INTERNAL_ERROR] boom SQLSTATE: XX000\n\tat org.apache.spark.Foo.bar(Foo.scala:1)\n"
      "\tat org.apache.spark.Foo.baz(Foo.scala:2)\n\t... 42 more\nCaused by: x\nlast words";
  EXPECT_EQ(trim_spark_message(message), "[INTERNAL_ERROR] boom SQLSTATE: XX000\nlast words");
  EXPECT_LE(trim_spark_message(std::string(10000, 'a')).size(), 4100u);
}

TEST(ErrorMapping, MissingClassIsFetchedByErrorId) {
  std::string asked;
  ErrorDetailsFetcher fetch = [&asked](const std::string& error_id) {
    asked = error_id;
    SparkErrorInfo info;
    info.error_class = "SCHEMA_NOT_FOUND";
    info.sql_state = "42704";
    info.message = "[SCHEMA_NOT_FOUND] The schema `x` cannot be found.";
    return std::optional<SparkErrorInfo>(info);
  };
  Error error = map_grpc_status(spark_status("truncated…", {{"errorId", "abc-123"}}), "e", fetch);
  EXPECT_EQ(asked, "abc-123");
  EXPECT_EQ(error.code, ErrorCode::kTableNotFound);
  EXPECT_EQ(error.context_value("errorClass"), "SCHEMA_NOT_FOUND");
  EXPECT_EQ(error.context_value("sqlState"), "42704");
  EXPECT_NE(error.message.find("cannot be found"), std::string::npos);
}

TEST(ErrorMapping, FetchFailureFallsBackToTheMessage) {
  ErrorDetailsFetcher fetch = [](const std::string&) { return std::optional<SparkErrorInfo>(); };
  Error error = map_grpc_status(
      spark_status("[DIVIDE_BY_ZERO] Division by zero.", {{"errorId", "x"}, {"sqlState", "22012"}}),
      "e", fetch);
  EXPECT_EQ(error.code, ErrorCode::kSparkAnalysis);
  EXPECT_EQ(error.context_value("errorClass"), "DIVIDE_BY_ZERO");
  EXPECT_EQ(error.context_value("sqlState"), "22012");
}

TEST(ErrorMapping, NoDetailsParsesClassFromMessage) {
  grpc::Status status(grpc::StatusCode::INTERNAL,
                      "org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] gone");
  Error error = map_grpc_status(status, "e");
  EXPECT_EQ(error.code, ErrorCode::kTableNotFound);
  EXPECT_EQ(error.context_value("errorClass"), "TABLE_OR_VIEW_NOT_FOUND");
  EXPECT_EQ(error_class_from_message("[UNRESOLVED_COLUMN.WITH_SUGGESTION] x"),
            "UNRESOLVED_COLUMN.WITH_SUGGESTION");
  EXPECT_EQ(error_class_from_message("no class here [X]"), "");
  EXPECT_EQ(error_class_from_message("[lower] x"), "");
  EXPECT_EQ(error_class_from_message(""), "");
}

TEST(ErrorMapping, TransportCodes) {
  struct Case {
    grpc::StatusCode code;
    ErrorCode expected;
  };
  for (Case c : {Case{grpc::StatusCode::UNAVAILABLE, ErrorCode::kBackendUnavailable},
                 Case{grpc::StatusCode::DEADLINE_EXCEEDED, ErrorCode::kTimeout},
                 Case{grpc::StatusCode::CANCELLED, ErrorCode::kCancelled},
                 Case{grpc::StatusCode::UNAUTHENTICATED, ErrorCode::kUnauthorized},
                 Case{grpc::StatusCode::PERMISSION_DENIED, ErrorCode::kUnauthorized},
                 Case{grpc::StatusCode::RESOURCE_EXHAUSTED, ErrorCode::kProtocol},
                 Case{grpc::StatusCode::UNIMPLEMENTED, ErrorCode::kProtocol},
                 Case{grpc::StatusCode::INTERNAL, ErrorCode::kBackendUnavailable},
                 Case{grpc::StatusCode::UNKNOWN, ErrorCode::kBackendUnavailable}}) {
    Error error =
        map_grpc_status(grpc::Status(c.code, "Connection refused"), "sc://h:1 (plaintext)");
    EXPECT_EQ(error.code, c.expected) << static_cast<int>(c.code);
  }
  Error unavailable =
      map_grpc_status(grpc::Status(grpc::StatusCode::UNAVAILABLE, "refused"), "sc://h:1 (tls)");
  EXPECT_NE(unavailable.message.find("sc://h:1"), std::string::npos);
}

TEST(ErrorMapping, SessionErrors) {
  Error changed = map_grpc_status(
      spark_status("[INVALID_HANDLE.SESSION_CHANGED] The existing Spark server driver instance "
                   "has restarted. Please reconnect.",
                   {{"errorClass", "INVALID_HANDLE.SESSION_CHANGED"}}),
      "e");
  EXPECT_TRUE(is_session_error(changed));
  EXPECT_EQ(changed.code, ErrorCode::kBackendUnavailable);
  EXPECT_EQ(changed.context_value("errorClass"), "INVALID_HANDLE.SESSION_CHANGED");
  Error closed = map_grpc_status(
      grpc::Status(grpc::StatusCode::INTERNAL, "[INVALID_HANDLE.SESSION_CLOSED] closed"), "e");
  EXPECT_TRUE(is_session_error(closed));
  EXPECT_EQ(closed.code, ErrorCode::kBackendUnavailable);
  Error table = map_grpc_status(
      spark_status(kTableMessage, {{"errorClass", "TABLE_OR_VIEW_NOT_FOUND"}}), "e");
  EXPECT_FALSE(is_session_error(table));
}

TEST(ErrorMapping, GarbageDetailsAreIgnored) {
  grpc::Status status(grpc::StatusCode::INTERNAL, "[DIVIDE_BY_ZERO] x", "\xff\xff garbage");
  EXPECT_FALSE(decode_error_details(status).has_value());
  EXPECT_EQ(map_grpc_status(status, "e").code, ErrorCode::kSparkAnalysis);
}

}  // namespace
}  // namespace lakegate::backend::spark_connect
