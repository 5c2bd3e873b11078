// Every pyarrow fixture rendered as the JSON envelope must equal, byte for
// byte, the rendering make_fixtures.py computed independently in Python.
#include <gtest/gtest.h>

#include "fixture_util.h"

namespace lakegate::format {
namespace {

using testing::fixture_dir;
using testing::fixtures_with;
using testing::read_file;
using testing::read_fixture;
using testing::render_envelope;

TEST(GoldenJson, EveryFixtureMatchesThePythonRendering) {
  const auto names = fixtures_with(".json");
  ASSERT_GE(names.size(), 12u);
  for (const std::string& name : names) {
    const std::string expected = read_file(fixture_dir() / (name + ".json"));
    EXPECT_EQ(render_envelope(read_fixture(name)), expected) << name;
  }
}

TEST(GoldenJson, OutputDoesNotDependOnTheChunkSize) {
  for (const std::string& name : fixtures_with(".json")) {
    const std::string bytes = read_fixture(name);
    const std::string expected = render_envelope(bytes);
    for (const size_t chunk : {size_t{1}, size_t{7}, size_t{100}, size_t{4096}}) {
      EXPECT_EQ(render_envelope(bytes, chunk), expected) << name << " chunk " << chunk;
    }
  }
}

}  // namespace
}  // namespace lakegate::format
