// The soak on real threads: every registered lock passes a short run with
// no violation and exercises what it promises; locks built to be wrong
// (broken_locks.hpp, test only) are caught. Runs are short (tens of
// thousands of operations); nothing here looks at wall-clock time.
#include "engine/stress/stress_runner.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engine/bench/lock_registry.hpp"
#include "engine/stress/stress_registry.hpp"
#include "tests/engine/bench/probe_locks.hpp"
#include "tests/engine/stress/broken_locks.hpp"

namespace lockscope::engine::stress {
namespace {

using testing::Bug;
using testing::TestLock;
using lockscope::testing::IdNotingCentral;
using lockscope::testing::SizedCentral;

StressConfig short_run(std::uint64_t ops, std::uint64_t seed = 1) {
  StressConfig cfg;
  cfg.threads = 4;
  cfg.ops = ops;
  cfg.seed = seed;
  return cfg;
}

TEST(StressRegistry, OffersEveryBenchLockUnderItsName) {
  std::vector<std::string_view> bench_names;
  for (const bench::LockEntry& e : bench::bench_locks()) bench_names.push_back(e.name);
  std::vector<std::string_view> stress_names;
  for (const StressEntry& e : stress_locks()) stress_names.push_back(e.name);
  EXPECT_EQ(stress_names, bench_names);
  EXPECT_EQ(find_stress_lock("nosuch"), nullptr);
}

TEST(StressRegistry, ContextLocksAreTheOnesThatCountPerContext) {
  // docs/using-the-locks.md, "Contexts": the locks that count readers per
  // context, node or slot; central, pflock and glibc-rwlock have one state.
  const std::set<std::string_view> with_contexts = {"graph", "graph-asym", "graph-packed", "brlock", "numa",
                                                    "numa-ccx", "percpu", "graph-fair", "bravo",
                                                    "graph-nofence", "percpu-nofence", "bravo-nofence"};
  for (const StressEntry& e : stress_locks()) {
    EXPECT_EQ(e.contexts, with_contexts.contains(e.name)) << e.name;
  }
  EXPECT_TRUE(find_stress_lock("graph")->try_locks);
  EXPECT_TRUE(find_stress_lock("glibc-mutex")->try_locks);
  EXPECT_FALSE(find_stress_lock("urcu")->try_locks);
}

class EveryLock : public ::testing::TestWithParam<std::string_view> {};

TEST_P(EveryLock, ShortRunFindsNoViolationAndDoesEveryKind) {
  const StressEntry* e = find_stress_lock(GetParam());
  ASSERT_NE(e, nullptr);
  StressConfig cfg = short_run(20'000);
  cfg.lock = std::string(e->name);
  const StressResult r = e->run(cfg, {});
  EXPECT_EQ(r.total_violations(), 0U) << r.config.lock;
  EXPECT_EQ(r.total_ops(), cfg.ops);
  EXPECT_GT(r.op(OpKind::read), 0U);
  EXPECT_GT(r.op(OpKind::write), 0U);
  EXPECT_EQ(r.contexts, e->contexts);
  EXPECT_EQ(r.try_locks, e->try_locks);
  const bool contexts_ran = r.op(OpKind::migrating_read) != 0 && r.op(OpKind::orphaned_read) != 0 &&
                            r.op(OpKind::context_churn) != 0;
  EXPECT_EQ(contexts_ran, e->contexts);
  const std::uint64_t tries = r.op(OpKind::try_read_ok) + r.op(OpKind::try_read_failed) +
                              r.op(OpKind::try_write_ok) + r.op(OpKind::try_write_failed);
  EXPECT_EQ(tries != 0, e->try_locks);
}

std::string param_name(const ::testing::TestParamInfo<std::string_view>& info) {
  std::string s(info.param);
  for (char& c : s) {
    if (c == '-') c = '_';
  }
  return s;
}

std::vector<std::string_view> lock_names() {
  std::vector<std::string_view> names;
  for (const StressEntry& e : stress_locks()) {
    // The broken-on-purpose variants may well break on real threads too.
    if (!e.broken) names.push_back(e.name);
  }
  return names;
}

INSTANTIATE_TEST_SUITE_P(StressRegistry, EveryLock, ::testing::ValuesIn(lock_names()), param_name);

// `--lock bravo:slots=N`: the size goes from the config to the lock.
TEST(StressRunner, TheLockIsBuiltWithTheConfigsTableSize) {
  StressConfig cfg = short_run(2'000);
  cfg.table_slots = 32;
  using Soaked = LockimplStressLock<SizedCentral, false>;
  EXPECT_EQ(run_stress<Soaked>(cfg).total_violations(), 0U);
  EXPECT_EQ(SizedCentral::built_with.load(), 32U);
  cfg.table_slots = 0;
  (void)run_stress<Soaked>(cfg);
  EXPECT_EQ(SizedCentral::built_with.load(), SizedCentral::kDefaultTableSlots);
}

// As in bench: each soak numbers its workers from 0 (BRAVO's slots hash the id).
TEST(StressRunner, EveryRunNumbersItsWorkersFromZero) {
  for (int run = 0; run < 2; ++run) {
    IdNotingCentral::highest = 0;
    (void)run_stress<LockimplStressLock<IdNotingCentral, false>>(short_run(2'000));
    EXPECT_EQ(IdNotingCentral::highest.load(), 3U) << "run " << run;
  }
}

TEST(StressRunner, SameSeedSameOperationMix) {
  // The mix depends only on the seed (the outcome of a try-lock may not).
  const StressResult a = run_stress<TestLock<Bug::none>>(short_run(4'000, 7));
  const StressResult b = run_stress<TestLock<Bug::none>>(short_run(4'000, 7));
  EXPECT_EQ(a.op(OpKind::read), b.op(OpKind::read));
  EXPECT_EQ(a.op(OpKind::write), b.op(OpKind::write));
  EXPECT_EQ(a.op(OpKind::migrating_read), b.op(OpKind::migrating_read));
  EXPECT_EQ(a.op(OpKind::try_read_ok) + a.op(OpKind::try_read_failed),
            b.op(OpKind::try_read_ok) + b.op(OpKind::try_read_failed));
}

TEST(StressRunner, OpsNotAMultipleOfThreadsAreAllDone) {
  StressConfig cfg = short_run(1'003);
  cfg.threads = 3;
  EXPECT_EQ(run_stress<TestLock<Bug::none>>(cfg).total_ops(), 1'003U);
}

TEST(StressRunner, ProgressIsReportedWhileRunning) {
  StressHooks hooks;
  hooks.progress_every = std::chrono::milliseconds(0);
  std::uint64_t last = 0;
  int calls = 0;
  hooks.progress = [&](std::uint64_t done, double) {
    EXPECT_GE(done, last);
    last = done;
    ++calls;
  };
  const StressResult r = run_stress<TestLock<Bug::none>>(short_run(50'000), hooks);
  EXPECT_EQ(r.total_ops(), 50'000U);
  EXPECT_LE(last, 50'000U);
}

// The correct twin of the broken locks passes the full mix.
TEST(StressBrokenLocks, CorrectTwinPasses) {
  const StressResult r = run_stress<TestLock<Bug::none>>(short_run(100'000));
  EXPECT_EQ(r.total_violations(), 0U);
  EXPECT_GT(r.op(OpKind::orphaned_read), 0U);
}

// Runs the broken lock with a few seeds until one run shows a violation: a
// thread schedule that never overlaps is possible, just very unlikely.
template <Bug kBug>
StressResult until_caught(StressConfig cfg) {
  StressResult r;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    cfg.seed = seed;
    r = run_stress<TestLock<kBug>>(cfg);
    if (r.total_violations() != 0) break;
  }
  return r;
}

TEST(StressBrokenLocks, WriterThatIgnoresReadersIsCaught) {
  const StressResult r = until_caught<Bug::writer_ignores_readers>(short_run(100'000));
  EXPECT_GT(r.total_violations(), 0U);
  EXPECT_GT(r.violation(ViolationKind::reader_saw_writer) + r.violation(ViolationKind::writer_saw_reader), 0U);
}

TEST(StressBrokenLocks, TryReadThatIgnoresTheWriterIsCaught) {
  StressConfig cfg = short_run(100'000);
  cfg.mix.try_read = 300;
  const StressResult r = until_caught<Bug::try_read_ignores_writer>(cfg);
  EXPECT_GT(r.total_violations(), 0U);
}

TEST(StressBrokenLocks, TryReadBugIsInvisibleWithoutTryReads) {
  StressConfig cfg = short_run(50'000);
  cfg.mix.try_read = 0;
  EXPECT_EQ(run_stress<TestLock<Bug::try_read_ignores_writer>>(cfg).total_violations(), 0U);
}

TEST(StressBrokenLocks, LockThatDropsOrphanedReadersIsCaught) {
  StressConfig cfg = short_run(100'000);
  cfg.mix.migrating_read = 0;  // see broken_locks.hpp: no hang without migration
  cfg.mix.orphaned_read = 100;
  const StressResult r = until_caught<Bug::drops_orphans>(cfg);
  EXPECT_GT(r.total_violations(), 0U);
  EXPECT_GT(r.op(OpKind::orphaned_read), 0U);
}

TEST(StressBrokenLocks, DroppedOrphansAreInvisibleWithoutOrphansOrChurn) {
  // What the orphaned-reader operation adds: without it (and without churn,
  // which unregisters contexts too) the same broken lock passes.
  StressConfig cfg = short_run(50'000);
  cfg.mix.migrating_read = 0;
  cfg.mix.orphaned_read = 0;
  cfg.mix.context_churn = 0;
  EXPECT_EQ(run_stress<TestLock<Bug::drops_orphans>>(cfg).total_violations(), 0U);
}

}  // namespace
}  // namespace lockscope::engine::stress
