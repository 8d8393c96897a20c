#include "engine/validate/perf_counters.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <thread>

namespace lockscope::engine::validate {
namespace {

TEST(PerfCounter, UnavailableReasonNamesTheCauseAndTheFigure) {
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
    EXPECT_TRUE(counter_unavailable_reason(err).starts_with("transfers per operation: n/a: "));
    EXPECT_TRUE(counter_unavailable_reason(err, "sleeps per operation").starts_with("sleeps per operation: n/a: "));
  }
}

// Either path is legitimate (a VM usually hides the PMU): opening gives a
// counter that counts, or one line saying why not.
TEST(PerfCounter, CacheMissesOpenOrSayWhyNot) {
  auto counter = PerfCounter::open_cache_misses();
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
  PerfCounter moved = std::move(*counter);
  EXPECT_EQ(moved.event().empty(), false);
}

// A software event, so a VM has it; a thread that sleeps and is woken
// switches out at least once, counted as an inherited thread.
TEST(PerfCounter, ContextSwitchesCountAThreadThatSleeps) {
  auto counter = PerfCounter::open_context_switches();
  if (!counter) {
    // Only a kernel without perf events or a paranoid setting refuses it.
    EXPECT_NE(counter.error().find("sleeps per operation: n/a"), std::string::npos) << counter.error();
    GTEST_SKIP() << counter.error();
  }
  EXPECT_EQ(counter->event(), "context switches");
  counter->start();
  std::thread([] {
    for (int i = 0; i < 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }).join();
  auto count = counter->stop();
  ASSERT_TRUE(count.has_value()) << count.error();
  EXPECT_GE(*count, 5U);
  // A second run counts its own switches only, not the first run's too
  // (the kernel keeps what ended threads counted apart from the reset).
  counter->start();
  std::thread([] {}).join();
  auto again = counter->stop();
  ASSERT_TRUE(again.has_value()) << again.error();
  EXPECT_LT(*again, *count);
}

}  // namespace
}  // namespace lockscope::engine::validate
