// Micro-benchmark of the result path: decode the taxi fixture (1024 rows of
// 2 timestamps, double, decimal(10,2), 3 ints, as Spark sends nyctaxi.trips)
// and render it as the JSON envelope, repeatedly, to a sink that discards.
// Usage: bench_json_writer [total_rows (default 1000000)]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "fixture_util.h"

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

class CountingSink final : public lakegate::util::ByteSink {
 public:
  bool write(std::string_view bytes) override {
    total += bytes.size();
    return true;
  }
  size_t total = 0;
};

}  // namespace

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  const int64_t wanted = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const std::string bytes = lakegate::testing::read_fixture("taxi");
  CountingSink sink;
  lakegate::format::JsonEnvelopeWriter writer(sink);
  lakegate::arrow::RecordBatch batch;
  int64_t rows = 0;
  double decode_seconds = 0;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  bool first = true;
  while (rows < wanted) {
    const auto decode_start = Clock::now();
    auto reader = lakegate::arrow::IpcStreamReader::open(bytes);
    if (!reader) return std::fprintf(stderr, "%s\n", reader.error().message.c_str()), 1;
    auto more = reader->next(batch);
    if (!more || !*more) return std::fprintf(stderr, "no batch\n"), 1;
    decode_seconds += std::chrono::duration<double>(Clock::now() - decode_start).count();
    if (first) writer.on_schema(reader->schema()), first = false;
    writer.on_batch(batch);
    rows += batch.num_rows;
  }
  writer.finish();
  const double cpu = cpu_seconds() - cpu_start;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("rows %lld, JSON bytes %zu (%.1f per row)\n", static_cast<long long>(rows),
              sink.total, double(sink.total) / double(rows));
  std::printf("wall %.3f s: %.1f ns/row (decode %.1f ns/row, render %.1f ns/row)\n", seconds,
              seconds * 1e9 / double(rows), decode_seconds * 1e9 / double(rows),
              (seconds - decode_seconds) * 1e9 / double(rows));
  std::printf("CPU %.3f s: %.1f ns/row\n", cpu, cpu * 1e9 / double(rows));
  return 0;
}
