// The real-thread runner: the counts add up, and what x86-TSO forbids never
// shows up on this machine's hardware (SB+fences, SB+rmw, MP, LB). Whether
// SB's r1=r2=0 shows up in a short run depends on how busy the machine is,
// so it is not asserted here (docs/litmus.md has the long-run figures).
#include <gtest/gtest.h>

#include "engine/litmus/catalogue.hpp"
#include "engine/litmus/real_runner.hpp"

namespace lockscope::engine::litmus {
namespace {

constexpr std::uint64_t kRuns = 20'000;

std::uint64_t forbidden_seen(const LitmusTest& t, const OutcomeCounts& c) {
  std::uint64_t n = c.impossible();
  for (std::size_t i = 0; i < t.outcomes.size(); ++i) n += t.outcomes[i].tso_allows ? 0 : c.counts[i];
  return n;
}

TEST(LitmusReal, FencedStoreBufferingNeverReadsZeroTwice) {
  for (const char* name : {"SB+fences", "SB+rmw"}) {
    const LitmusTest& t = *find_test(name);
    const RealRun r = run_real(t, kRuns);
    EXPECT_EQ(r.counts.runs, kRuns) << name;
    EXPECT_EQ(forbidden_seen(t, r.counts), 0U) << name;
  }
}

TEST(LitmusReal, StoresAreNotReorderedWithStoresNorWithEarlierLoads) {
  for (const char* name : {"MP", "LB", "2+2W"}) {
    const LitmusTest& t = *find_test(name);
    const RealRun r = run_real(t, kRuns);
    EXPECT_EQ(r.counts.runs, kRuns) << name;
    EXPECT_EQ(forbidden_seen(t, r.counts), 0U) << name;
  }
}

TEST(LitmusReal, EveryRunIsCountedOnce) {
  const LitmusTest& t = *find_test("SB");
  const RealRun r = run_real(t, 5'000);
  std::uint64_t sum = 0;
  for (const std::uint64_t c : r.counts.counts) sum += c;
  EXPECT_EQ(sum, 5'000U);
  EXPECT_EQ(r.counts.impossible(), 0U);
  EXPECT_GE(r.cpus[0], 0);
  EXPECT_GE(r.cpus[1], 0);
}

}  // namespace
}  // namespace lockscope::engine::litmus
