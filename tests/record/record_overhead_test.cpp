// measure_record_overhead runs the shipped benchmark both ways and finds
// the recording it left. Figures are printed, not asserted (no wall-clock
// assertions); the size per event is a property of the encoding and is.
#include <gtest/gtest.h>

#include "engine/record/launch.hpp"
#include "engine/record/overhead.hpp"
#include "tests/record/recorded_run.hpp"

namespace lockscope::record {
namespace {

TEST(RecordOverhead, RunsTheBenchmarkPlainAndRecorded) {
  engine::record::RecordOverheadOptions options;
  options.benchmark = LOCKSCOPE_TEST_RECORD_OVERHEAD;
  options.interposer = LOCKSCOPE_TEST_INTERPOSER;
  options.raw_path = test::temp_path(".raw");
  options.pairs = 200'000;
  const auto o = engine::record::measure_record_overhead(options);
  ASSERT_TRUE(o.has_value()) << o.error();
  EXPECT_EQ(o->pairs, 210'000u);  // the rounds plus the warm-up
  EXPECT_EQ(o->recorded_events, 2 * o->pairs) << "every rdlock and unlock is in the recording";
  EXPECT_GT(o->plain_ns, 0);
  EXPECT_GT(o->recorded_ns, 0);
  // An uncontended loop's events are 1 flags byte and a 1-2 byte delta.
  EXPECT_LT(o->bytes_per_event(), 4.0);
  std::printf("plain %.1f ns, recorded %.1f ns per pair (thread CPU; wall %.1f / %.1f), %.2f bytes per event\n",
              o->plain_ns, o->recorded_ns, o->plain_wall_ns, o->recorded_wall_ns, o->bytes_per_event());
}

TEST(RecordOverhead, FindsTheBenchmarkAndInterposerFromTheBuildTree) {
  // As the CLI would from build/engine/cli/lockscope.
  const std::string cli = std::string(LOCKSCOPE_TEST_BINARY_DIR) + "/engine/cli/lockscope";
  const auto interposer = engine::record::find_interposer(cli);
  ASSERT_TRUE(interposer.has_value()) << interposer.error();
  EXPECT_TRUE(interposer->ends_with("/lib/liblockscope_record.so"));
  const auto bench = engine::record::find_overhead_benchmark(cli);
  ASSERT_TRUE(bench.has_value()) << bench.error();
  EXPECT_TRUE(bench->ends_with("/examples/record_overhead"));
}

}  // namespace
}  // namespace lockscope::record
