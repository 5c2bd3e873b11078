#include "http/error_envelope.h"

#include <gtest/gtest.h>

namespace lakegate::http {
namespace {

TEST(ErrorEnvelope, RawStatusHasNullContext) {
  EXPECT_EQ(error_envelope(413, "too big"),
            R"({"error":{"code":413,"status_code":413,"message":"too big","context":null}})");
}

TEST(ErrorEnvelope, MapsCodeToStatusAndEscapes) {
  Error error(ErrorCode::kTableNotFound, "table \"x\"\nnot found");
  EXPECT_EQ(error_envelope(error),
            R"({"error":{"code":404,"status_code":404,"message":"table \"x\"\nnot found",)"
            R"("context":null}})");
}

TEST(ErrorEnvelope, ContextBecomesObject) {
  Error error(ErrorCode::kSparkAnalysis, "bad");
  error.with("errorClass", "TABLE_OR_VIEW_NOT_FOUND").with("sqlState", "42P01");
  EXPECT_EQ(error_envelope(error),
            R"({"error":{"code":400,"status_code":400,"message":"bad","context":)"
            R"({"errorClass":"TABLE_OR_VIEW_NOT_FOUND","sqlState":"42P01"}}})");
}

TEST(ErrorEnvelope, StructuredContextAndDreamFactoryCode) {
  EXPECT_EQ(error_envelope(400, "Batch Error", R"({"error":[1],"resource":[]})", 1000),
            R"({"error":{"code":1000,"status_code":400,"message":"Batch Error","context":)"
            R"({"error":[1],"resource":[]}}})");
  EXPECT_EQ(error_envelope(429, "limits", "", 429),
            R"({"error":{"code":429,"status_code":429,"message":"limits","context":null}})");
}

}  // namespace
}  // namespace lakegate::http
