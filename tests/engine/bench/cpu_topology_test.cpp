#include "engine/bench/cpu_topology.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/bench/cpu_affinity.hpp"

namespace lockscope::engine::bench {
namespace {

TEST(CpuList, ParsesRangesSinglesAndTheKernelsNewline) {
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11\n"), (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(parse_cpu_list("5"), (std::vector<int>{5}));
  EXPECT_EQ(parse_cpu_list("4,0"), (std::vector<int>{0, 4})) << "sorted";
  EXPECT_EQ(parse_cpu_list(""), (std::vector<int>{})) << "an empty list is a list";
}

TEST(CpuList, RefusesWhatIsNotAList) {
  for (const char* bad : {"a", "1-", "-1", "3-1", "1,,2", "1 2", "0-99999999"}) {
    EXPECT_FALSE(parse_cpu_list(bad).has_value()) << bad;
  }
}

// Whatever this machine is, a CPU is its own sibling when the kernel says
// anything, and the relation is symmetric.
TEST(CpuTopology, SiblingsIncludeTheCpuAndAreSymmetric) {
  const std::vector<int> cpus = allowed_cpus();
  for (const int a : cpus) {
    const std::vector<int> siblings = smt_siblings(a);
    if (!siblings.empty()) {
      EXPECT_NE(std::find(siblings.begin(), siblings.end(), a), siblings.end()) << a;
    }
    EXPECT_TRUE(share_a_core(a, a));
    for (const int b : cpus) EXPECT_EQ(share_a_core(a, b), share_a_core(b, a)) << a << "," << b;
  }
}

}  // namespace
}  // namespace lockscope::engine::bench
