#include "engine/machine/calibrate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/bench/cpu_affinity.hpp"

namespace lockscope::engine::machine {
namespace {

// A smoke test: tiny sample counts on two CPUs. Timing on a shared machine
// says nothing, so only the shape and sanity of the result are checked.
TEST(Calibrate, SmokeOnTwoCpusGivesAValidMatrix) {
  const std::vector<int> allowed = bench::allowed_cpus();
  if (allowed.size() < 2) GTEST_SKIP() << "needs two CPUs";
  CalibrationOptions options;
  options.cpus = {allowed[0], allowed[1]};
  options.samples = 3;
  options.round_trips = 200;
  options.memory_bytes = std::size_t{1} << 20;
  options.single_cost_runs = 1;
  int progress_lines = 0;
  auto m = calibrate(options, [&](const std::string&) { ++progress_lines; });
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_GT(progress_lines, 0);
  EXPECT_EQ(m->name, "this-machine");
  ASSERT_EQ(m->cores(), 2U);
  ASSERT_EQ(m->latency_ns.size(), 4U);
  for (unsigned i = 0; i < 2; ++i) {
    for (unsigned j = 0; j < 2; ++j) {
      EXPECT_TRUE(std::isfinite(m->latency(i, j)));
      if (i != j) {
        EXPECT_GT(m->latency(i, j), 0);
      }
    }
  }
  EXPECT_TRUE(validate(*m).has_value()) << validate(*m).error();
  EXPECT_GT(m->clock_ghz, 0);
  EXPECT_GT(m->l1_hit_ns, 0);
  EXPECT_GE(m->fence_ns, 0);
}

TEST(Calibrate, RefusesACpuOutsideTheAffinityMask) {
  CalibrationOptions options;
  options.cpus = {0, 100000};
  auto m = calibrate(options);
  ASSERT_FALSE(m.has_value());
  EXPECT_NE(m.error().find("100000"), std::string::npos) << m.error();
}

TEST(Calibrate, RefusesASingleCpu) {
  CalibrationOptions options;
  options.cpus = {bench::allowed_cpus()[0]};
  EXPECT_FALSE(calibrate(options).has_value());
}

}  // namespace
}  // namespace lockscope::engine::machine
