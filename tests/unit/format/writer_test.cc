// The streaming writers: when they write to the sink, the envelope's shape
// and options, NDJSON and CSV output, and a sink that goes away.
#include <gtest/gtest.h>

#include "fixture_util.h"
#include "format/csv_writer.h"
#include "format/ndjson_writer.h"

namespace lakegate::format {
namespace {

using testing::read_fixture;
using testing::render_stream;

// Records each write separately.
class RecordingSink final : public util::ByteSink {
 public:
  bool write(std::string_view bytes) override {
    writes.emplace_back(bytes);
    return accept;
  }
  std::string joined() const {
    std::string out;
    for (const auto& w : writes) out += w;
    return out;
  }
  std::vector<std::string> writes;
  bool accept = true;
};

TEST(JsonEnvelopeWriter, EmptyResult) {
  util::StringSink sink;
  JsonEnvelopeWriter writer(sink);
  EXPECT_TRUE(writer.finish());
  EXPECT_EQ(sink.data, "{\"resource\":[],\"row_count\":0}");
  EXPECT_TRUE(writer.finish());  // idempotent
  EXPECT_EQ(sink.data, "{\"resource\":[],\"row_count\":0}");
  EXPECT_EQ(writer.rows(), 0);
}

TEST(JsonEnvelopeWriter, NothingIsWrittenBeforeTheFirstBatch) {
  const std::string bytes = read_fixture("many_batches");
  auto reader = arrow::IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader);
  RecordingSink sink;
  JsonEnvelopeOptions options;
  options.chunk_bytes = 1;
  JsonEnvelopeWriter writer(sink, options);
  EXPECT_TRUE(writer.on_schema(reader->schema()));
  EXPECT_TRUE(sink.writes.empty());
  arrow::RecordBatch batch;
  ASSERT_TRUE(*reader->next(batch));  // the first batch has no rows
  EXPECT_TRUE(writer.on_batch(batch));
  ASSERT_TRUE(*reader->next(batch));
  EXPECT_TRUE(writer.on_batch(batch));
  EXPECT_EQ(sink.writes.size(), 1u);  // one chunk per row at chunk_bytes 1
  EXPECT_EQ(sink.writes[0], "{\"resource\":[{\"n\":10,\"s\":\"r0\"}");
}

TEST(JsonEnvelopeWriter, SmallResultIsOneWriteAtFinish) {
  RecordingSink sink;
  JsonEnvelopeWriter writer(sink);
  ASSERT_TRUE(render_stream(read_fixture("duplicate_names"), writer));
  EXPECT_TRUE(sink.writes.empty());
  EXPECT_TRUE(writer.finish());
  ASSERT_EQ(sink.writes.size(), 1u);
  EXPECT_EQ(sink.writes[0],
            "{\"resource\":[{\"x\":1,\"x\":\"a\"},{\"x\":2,\"x\":\"b\"}],\"row_count\":2}");
}

TEST(JsonEnvelopeWriter, ExtraMembersAndNoRowCount) {
  util::StringSink sink;
  JsonEnvelopeOptions options;
  options.row_count = false;
  options.extra_members = [](std::string& out, int64_t rows) {
    out += "\"meta\":{\"count\":" + std::to_string(rows) + "}";
  };
  JsonEnvelopeWriter writer(sink, options);
  ASSERT_TRUE(render_stream(read_fixture("duplicate_names"), writer));
  writer.finish();
  EXPECT_EQ(sink.data,
            "{\"resource\":[{\"x\":1,\"x\":\"a\"},{\"x\":2,\"x\":\"b\"}],\"meta\":{\"count\":2}}");
  util::StringSink empty_sink;
  JsonEnvelopeOptions silent;
  silent.extra_members = [](std::string&, int64_t) {};
  JsonEnvelopeWriter empty(empty_sink, silent);
  empty.finish();
  EXPECT_EQ(empty_sink.data, "{\"resource\":[],\"row_count\":0}");
}

TEST(JsonEnvelopeWriter, StopsWhenTheSinkGoesAway) {
  RecordingSink sink;
  sink.accept = false;
  JsonEnvelopeOptions options;
  options.chunk_bytes = 16;
  JsonEnvelopeWriter writer(sink, options);
  const std::string bytes = read_fixture("taxi");
  auto reader = arrow::IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader);
  arrow::RecordBatch batch;
  ASSERT_TRUE(*reader->next(batch));
  writer.on_schema(reader->schema());
  EXPECT_FALSE(writer.on_batch(batch));
  EXPECT_EQ(sink.writes.size(), 1u);  // stopped at the first refused write
  EXPECT_FALSE(writer.finish());
}

TEST(NdjsonWriter, OneObjectPerLine) {
  util::StringSink sink;
  NdjsonWriter writer(sink);
  ASSERT_TRUE(render_stream(read_fixture("many_batches"), writer));
  writer.finish();
  std::string expected;
  for (int k = 0; k < 20; ++k) {
    for (int i = 0; i < k % 4; ++i) {
      expected +=
          "{\"n\":" + std::to_string(k * 10 + i) + ",\"s\":\"r" + std::to_string(i) + "\"}\n";
    }
  }
  EXPECT_EQ(sink.data, expected);
  EXPECT_EQ(writer.rows(), 30);
  EXPECT_EQ(writer.content_type(), "application/x-ndjson");
  util::StringSink empty_sink;
  NdjsonWriter empty(empty_sink);
  empty.finish();
  EXPECT_EQ(empty_sink.data, "");
}

std::string csv_of(const std::string& fixture, size_t chunk_bytes = 64 * 1024) {
  util::StringSink sink;
  CsvWriter writer(sink, WriterOptions{chunk_bytes});
  EXPECT_TRUE(render_stream(read_fixture(fixture), writer));
  writer.finish();
  return sink.data;
}

TEST(CsvWriter, StringsQuotingAndBinary) {
  using namespace std::string_literals;
  const std::string expected =
      "utf8,large_utf8,binary,large_binary,fixed4,\"we\"\"ird,name\n\"\r\n"
      "plain,plain,AP/+gCBub3QgdXRmLTg=,AP/+gCBub3QgdXRmLTg=,AAECAw==,1\r\n"
      "\"quote \"\" backslash \\ slash /\",\"quote \"\" backslash \\ slash "
      "/\",\"\",\"\",YWJjZA==,2\r\n"
      "\"ctl \0\x01\x1f\x7f tab\tnl\ncr\r\",\"ctl \0\x01\x1f\x7f "
      "tab\tnl\ncr\r\",YWJj,YWJj,/////w==,3\r\n"
      ",,,,,4\r\n"
      "unicode é 中文 🚀 \u2028,unicode é 中文 🚀 \u2028,wyg=,wyg=,ICAgIA==,5\r\n"
      "\"\",\"\",8J+a,8J+a,MTIzNA==,6\r\n"s;
  EXPECT_EQ(csv_of("strings"), expected);
}

TEST(CsvWriter, NumbersTemporalsAndNestedValues) {
  const std::string csv = csv_of("nested");
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "list_int,large_list_str,fixed_list,struct,map_str,map_int,deep,list_list");
  EXPECT_NE(csv.find("\"[1,2,null]\",\"[\"\"a\"\",null]\",\"[1,2,3]\",\"{\"\"a\"\":1,"),
            std::string::npos)
      << csv;
  const std::string decimals = csv_of("decimals");
  EXPECT_NE(decimals.find("\r\n8.00,99999999999999999999999999999999999999,"), std::string::npos);
  const std::string temporal = csv_of("temporal");
  EXPECT_NE(temporal.find("\r\n2024-02-29,2024-02-29,2024-01-02T03:04:05.678901+00:00,"),
            std::string::npos);
  const std::string primitives = csv_of("primitives");
  EXPECT_NE(primitives.find(",NaN,"), std::string::npos);
  for (const char* name : {"nested", "strings", "taxi"}) {
    EXPECT_EQ(csv_of(name, 3), csv_of(name)) << name;
  }
}

TEST(CsvWriter, EmptyResults) {
  EXPECT_EQ(csv_of("schema_only"), "a,b\r\n");
  util::StringSink sink;
  CsvWriter writer(sink);
  writer.finish();
  EXPECT_EQ(sink.data, "");
}

TEST(MakeWriter, PicksTheFormat) {
  util::StringSink sink;
  EXPECT_EQ(make_writer(OutputFormat::kCsv, sink)->content_type(), "text/csv; charset=utf-8");
  EXPECT_EQ(make_writer(OutputFormat::kJson, sink)->content_type(), "application/json");
}

}  // namespace
}  // namespace lakegate::format
