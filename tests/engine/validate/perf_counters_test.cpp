#include "engine/validate/perf_counters.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace lockscope::engine::validate {
namespace {

TEST(CacheMissCounter, UnavailableReasonNamesTheCause) {
  const std::string no_pmu = counter_unavailable_reason(ENOENT);
  EXPECT_NE(no_pmu.find("n/a"), std::string::npos) << no_pmu;
  EXPECT_NE(no_pmu.find("ENOENT"), std::string::npos) << no_pmu;
  EXPECT_NE(no_pmu.find("VM"), std::string::npos) << no_pmu;
  const std::string refused = counter_unavailable_reason(EACCES);
  EXPECT_NE(refused.find("perf_event_paranoid"), std::string::npos) << refused;
  EXPECT_NE(counter_unavailable_reason(ENOSYS).find("ENOSYS"), std::string::npos);
  EXPECT_NE(counter_unavailable_reason(EINVAL).find("n/a"), std::string::npos);
  for (const int err : {ENOENT, EOPNOTSUPP, EACCES, EPERM, ENOSYS, EINVAL}) {
    EXPECT_EQ(counter_unavailable_reason(err).find('\n'), std::string::npos) << "one line";
  }
}

// Either path is legitimate (a VM usually hides the PMU): opening gives a
// counter that counts, or one line saying why not.
TEST(CacheMissCounter, OpensOrSaysWhyNot) {
  auto counter = CacheMissCounter::open();
  if (!counter) {
    EXPECT_FALSE(counter.error().empty());
    EXPECT_NE(counter.error().find("n/a"), std::string::npos) << counter.error();
    return;
  }
  EXPECT_FALSE(counter->event().empty());
  counter->start();
  volatile unsigned sink = 0;
  for (unsigned i = 0; i < 100000; ++i) sink = sink + i;
  auto count = counter->stop();
  if (!count) {
    EXPECT_FALSE(count.error().empty());
  }
  CacheMissCounter moved = std::move(*counter);
  EXPECT_EQ(moved.event().empty(), false);
}

}  // namespace
}  // namespace lockscope::engine::validate
