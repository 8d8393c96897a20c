#include "engine/bench/lock_registry.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace lockscope::engine::bench {
namespace {

TEST(LockRegistry, NamesEveryLockTheDocsPromise) {
  std::set<std::string> names;
  for (const LockEntry& e : bench_locks()) names.emplace(e.name);
  for (const char* expected : {"graph", "graph-asym", "central", "std-shared-mutex", "pthread-rwlock",
                               "tbb-spin-rw", "ck-rwlock", "ck-brlock", "urcu", "glibc-rwlock", "glibc-rwlock-wp",
                               "glibc-mutex", "pthread-mutex"}) {
    EXPECT_TRUE(names.contains(expected)) << expected;
  }
  EXPECT_EQ(names.size(), bench_locks().size()) << "duplicate names";
}

TEST(LockRegistry, GraphComesFirstBecauseRatiosUseIt) {
  EXPECT_EQ(bench_locks().front().name, "graph");
}

TEST(LockRegistry, OnlyLockimplLocksClaimToRunInTheSimulator) {
  for (const LockEntry& e : bench_locks()) {
    const bool ours = e.name == "graph" || e.name == "graph-asym" || e.name == "graph-packed" || e.name == "central" ||
                      e.name == "brlock" || e.name == "numa" || e.name == "numa-ccx" || e.name == "percpu" ||
                      e.name == "graph-fair" || e.name == "pflock" || e.name == "bravo" ||
                      e.name == "glibc-rwlock" || e.name == "glibc-rwlock-wp" || e.name == "glibc-mutex" ||
                      e.broken;
    EXPECT_EQ(e.simulated, ours) << e.name;
  }
}

// The broken-on-purpose variants (docs/memory-ordering.md) are marked, and
// only they are.
TEST(LockRegistry, OnlyTheNoFenceVariantsAreMarkedBroken) {
  for (const LockEntry& e : bench_locks()) {
    EXPECT_EQ(e.broken, e.name.ends_with("-nofence")) << e.name;
    if (e.broken) {
      EXPECT_TRUE(e.summary.starts_with("BROKEN")) << e.name;
    }
  }
  ASSERT_NE(find_bench_lock("graph-nofence"), nullptr);
}

TEST(LockRegistry, FindsByExactNameOnly) {
  ASSERT_NE(find_bench_lock("central"), nullptr);
  EXPECT_EQ(find_bench_lock("central")->name, "central");
  EXPECT_EQ(find_bench_lock("Central"), nullptr);
  EXPECT_EQ(find_bench_lock(""), nullptr);
}

}  // namespace
}  // namespace lockscope::engine::bench
