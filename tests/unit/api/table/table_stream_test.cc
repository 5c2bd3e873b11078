// RowLimitSink: passes at most `limit` rows over any batch split, cuts the
// batch that crosses the limit, and reports whether more rows came.
#include "api/table/table_stream.h"

#include <gtest/gtest.h>

#include "format/ndjson_writer.h"

namespace lakegate::api {
namespace {

// A one-column int64 batch of `values` (the views point into `storage`).
arrow::RecordBatch int_batch(const std::vector<int64_t>& storage) {
  arrow::RecordBatch batch;
  batch.num_rows = static_cast<int64_t>(storage.size());
  arrow::ArrayView column;
  column.length = batch.num_rows;
  column.values = {reinterpret_cast<const uint8_t*>(storage.data()), storage.size() * 8};
  batch.columns.push_back(column);
  return batch;
}

arrow::Schema int_schema() {
  arrow::Schema schema;
  arrow::Field field;
  field.name = "n";
  field.type.id = arrow::TypeId::kInt;
  field.type.bit_width = 64;
  schema.fields.push_back(field);
  return schema;
}

struct Run {
  std::string ndjson;
  bool more = false;
  int64_t passed = 0;
};

Run run(int64_t limit, const std::vector<std::vector<int64_t>>& batches) {
  util::StringSink sink;
  format::NdjsonWriter writer(sink);
  RowLimitSink limiter(writer, limit);
  EXPECT_TRUE(limiter.on_schema(int_schema()));
  for (const auto& values : batches) EXPECT_TRUE(limiter.on_batch(int_batch(values)));
  writer.finish();
  return {sink.data, limiter.more(), limiter.passed()};
}

TEST(RowLimitSink, NoLimitPassesEverything) {
  auto r = run(-1, {{1, 2}, {3}});
  EXPECT_EQ(r.ndjson, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  EXPECT_FALSE(r.more);
  EXPECT_EQ(r.passed, 3);
}

TEST(RowLimitSink, ExactlyTheLimitIsNotMore) {
  auto r = run(3, {{1, 2}, {3}});
  EXPECT_EQ(r.passed, 3);
  EXPECT_FALSE(r.more);
}

TEST(RowLimitSink, TheExtraRowIsDroppedAndNoted) {
  auto r = run(3, {{1, 2, 3, 4}});
  EXPECT_EQ(r.ndjson, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  EXPECT_TRUE(r.more);
  auto split = run(2, {{1}, {2}, {3}});
  EXPECT_EQ(split.ndjson, "{\"n\":1}\n{\"n\":2}\n");
  EXPECT_TRUE(split.more);
  auto crossing = run(2, {{1}, {2, 3}, {}});
  EXPECT_EQ(crossing.ndjson, "{\"n\":1}\n{\"n\":2}\n");
  EXPECT_TRUE(crossing.more);
}

TEST(RowLimitSink, EmptyBatchesAfterTheLimitAreNotMore) {
  auto r = run(1, {{1}, {}, {}});
  EXPECT_FALSE(r.more);
  EXPECT_EQ(r.passed, 1);
}

TEST(RowLimitSink, ZeroLimit) {
  auto r = run(0, {{1}});
  EXPECT_EQ(r.ndjson, "");
  EXPECT_TRUE(r.more);
}

}  // namespace
}  // namespace lakegate::api
