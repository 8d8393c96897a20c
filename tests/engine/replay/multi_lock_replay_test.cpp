// Replays of version-2 traces: many locks, nesting, mutexes, failed tries,
// late starts, --only-lock, and the per-lock summary beside observed waits.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "engine/replay/forked_replay.hpp"
#include "engine/replay/replay.hpp"
#include "tests/engine/replay/in_child.hpp"

namespace lockscope::engine::replay {
namespace {

using lockscope::testing::in_child;
using traces::LockKind;
using traces::OpKind;

coherence::CostModel flat(unsigned cores) {
  coherence::CostModel c;
  c.cores = cores;
  c.l1_hit = 1'000;
  c.memory = 90'000;
  c.transfer.assign(std::size_t{cores} * cores, 40'000);
  for (unsigned a = 0; a < cores; ++a) {
    c.transfer[a * cores + a] = 1'000;
    c.socket_of.push_back(0);
    c.cache_of.push_back(0);
  }
  return c;
}

// A recorded-looking program: lock 0 `cache` (rwlock) read by every worker,
// with lock 2 `stats` (mutex) nested inside; worker 0 also writes `cache`
// and, under it, reads lock 1 `config` (rwlock); the last worker starts late
// and fails a try on `cache` once.
traces::WorkloadTrace program(unsigned workers, unsigned rounds) {
  traces::WorkloadTrace t;
  t.locks = {{LockKind::rwlock, "cache"}, {LockKind::rwlock, "config"}, {LockKind::mutex, "stats"}};
  t.initial_contexts = workers;
  for (unsigned w = 0; w < workers; ++w) {
    traces::WorkerPlan p;
    p.initial_context = w;
    if (w + 1 == workers) {
      p.start_ns = 3000;
      p.ops.push_back({OpKind::read_acquire_failed, 0, 0});
    }
    for (unsigned i = 0; i < rounds; ++i) {
      p.ops.push_back({OpKind::think, 200});
      p.ops.push_back({OpKind::read_acquire, 30, 0, traces::kOpObserved});
      p.ops.push_back({OpKind::hold, 50});
      p.ops.push_back({OpKind::write_acquire, 10, 2, traces::kOpObserved});
      p.ops.push_back({OpKind::hold, 20});
      p.ops.push_back({OpKind::write_release, 0, 2});
      p.ops.push_back({OpKind::read_release, 0, 0});
      if (w == 0 && i % 10 == 0) {
        p.ops.push_back({OpKind::write_acquire, 500, 0, traces::kOpObserved});
        p.ops.push_back({OpKind::read_acquire, 0, 1, traces::kOpObserved});
        p.ops.push_back({OpKind::hold, 100});
        p.ops.push_back({OpKind::write_release, 0, 0});  // released out of order
        p.ops.push_back({OpKind::read_release, 0, 1});
      }
    }
    t.workers.push_back(std::move(p));
  }
  return t;
}

ReplayResult run(const traces::WorkloadTrace& trace, const std::string& lock,
                 std::optional<std::uint32_t> only = std::nullopt, std::uint64_t seed = 1) {
  const auto child = in_child([&] {
    ReplayOptions o;
    o.lock = lock;
    o.only_lock = only;
    o.costs = flat(4);
    o.seed = seed;
    o.jitter = 0.2;
    return encode_summary(replay(trace, o));
  });
  EXPECT_EQ(child.status, 0) << child.out;
  return decode_summary(child.out);
}

TEST(MultiLockReplay, EveryLockIsCountedApartAndNoneIsViolated) {
  const traces::WorkloadTrace trace = program(6, 100);
  for (const std::string lock : {"graph", "central", "percpu", "glibc-rwlock"}) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const ReplayResult r = run(trace, lock, std::nullopt, seed);
      ASSERT_TRUE(r.error.empty()) << lock << ": " << r.error;
      EXPECT_TRUE(r.healthy()) << lock << " seed " << seed;
      ASSERT_EQ(r.locks.size(), 3U);
      EXPECT_EQ(r.locks[0].name, "cache");
      EXPECT_EQ(r.locks[0].reads, 600U);
      EXPECT_EQ(r.locks[0].writes, 10U);
      EXPECT_EQ(r.locks[0].failed, 1U);
      EXPECT_EQ(r.locks[1].reads, 10U);
      EXPECT_EQ(r.locks[2].writes, 600U);
      EXPECT_EQ(r.read_ops, 610U);
      EXPECT_EQ(r.write_ops, 610U);
    }
  }
}

TEST(MultiLockReplay, RwlocksTakeTheChosenDesignAndMutexesStayMutexes) {
  const ReplayResult r = run(program(3, 20), "graph");
  ASSERT_EQ(r.locks.size(), 3U);
  EXPECT_EQ(r.locks[0].design, "graph");
  EXPECT_EQ(r.locks[1].design, "graph");
  EXPECT_EQ(r.locks[2].design, "glibc-mutex");
  EXPECT_EQ(r.locks[2].kind, "mutex");
}

TEST(MultiLockReplay, OnlyLockReplacesOneAndTheRestAreWhatTheyWere) {
  const ReplayResult r = run(program(3, 20), "graph", 1U);
  ASSERT_EQ(r.locks.size(), 3U);
  EXPECT_EQ(r.locks[0].design, "glibc-rwlock");
  EXPECT_EQ(r.locks[1].design, "graph");
  EXPECT_EQ(r.locks[2].design, "glibc-mutex");
  EXPECT_TRUE(r.healthy());
}

TEST(MultiLockReplay, ObservedWaitsStandBesideSimulatedOnes) {
  const ReplayResult r = run(program(3, 20), "graph");
  EXPECT_EQ(r.locks[0].observed_read_wait_ns.samples, 60U);
  EXPECT_EQ(r.locks[0].observed_read_wait_ns.p50, 30U);
  EXPECT_EQ(r.locks[0].observed_write_wait_ns.max, 500U);
  EXPECT_EQ(r.locks[2].observed_write_wait_ns.p99, 10U);
  EXPECT_EQ(r.locks[0].read_wait_ns.samples, 60U);
}

// The central counter's reader line belongs to `cache`: every transfer of it
// is counted there, none on `config`, which only worker 0 touches.
TEST(MultiLockReplay, TransfersAreCountedOnTheLockWhoseLinesMoved) {
  const ReplayResult r = run(program(4, 50), "central");
  EXPECT_GT(r.locks[0].transfers, 100U);
  EXPECT_LT(r.locks[1].transfers, r.locks[0].transfers / 10);
  bool named = false;
  for (const traces::CachelineRow& l : r.lines) named |= l.name.rfind("cache: ", 0) == 0;
  EXPECT_TRUE(named) << "lines are named after their lock";
}

TEST(MultiLockReplay, TheTimelineNamesTheLockOfEverySpan) {
  const auto child = in_child([&] {
    ReplayOptions o;
    o.lock = "graph";
    o.costs = flat(4);
    const ReplayResult r = replay(program(3, 5), o);
    std::ostringstream out;
    out << r.timeline.locks.size() << ' ' << r.timeline.locks[2].name << '\n';
    bool ok = true;
    for (const auto& w : r.timeline.workers) {
      for (const auto& s : w.spans) {
        const bool about_a_lock = s.state != traces::WorkerState::running;
        ok &= about_a_lock ? s.lock < 3 : s.lock == traces::kNoLock;
      }
    }
    out << ok;
    return out.str();
  });
  EXPECT_EQ(child.out, "3 stats (mutex as glibc-mutex)\n1");
}

// readers_inside counts read locks held (timeline-format.md), not lanes
// reading: a worker inside two nested read locks counts twice, and each
// release takes one away, in time order.
TEST(MultiLockReplay, ReadersInsideCountsNestedReadLocksEach) {
  traces::WorkloadTrace t;
  t.locks = {{LockKind::rwlock, "outer"}, {LockKind::rwlock, "inner"}};
  t.initial_contexts = 2;
  for (unsigned w = 0; w < 2; ++w) {
    traces::WorkerPlan p;
    p.initial_context = w;
    p.start_ns = w * 1'000;  // the second worker's locks inside the first's
    p.ops = {{OpKind::read_acquire, 0, 0}, {OpKind::hold, 300},  {OpKind::read_acquire, 0, 1},
             {OpKind::hold, 2'000},        {OpKind::read_release, 0, 1}, {OpKind::hold, 300},
             {OpKind::read_release, 0, 0}};
    t.workers.push_back(std::move(p));
  }
  for (const char* lock : {"graph", "central", "pflock"}) {
    const auto child = in_child([&] {
      ReplayOptions o;
      o.lock = lock;
      o.costs = flat(4);
      const ReplayResult r = replay(t, o);
      std::ostringstream out;
      for (const traces::TimelineCounter& c : r.timeline.counters) {
        if (c.name != "readers_inside") continue;
        std::uint64_t last = 0;
        for (const traces::CounterSample& s : c.samples) {
          if (s.time < last) out << "out of order ";
          last = s.time;
          out << s.value << ' ';
        }
      }
      return out.str();
    });
    ASSERT_EQ(child.status, 0) << lock;
    // Worker 0 takes outer and inner (1, 2); worker 1 starts 1 us later,
    // while worker 0 holds both (3, 4); worker 0 lets go of inner and outer
    // (3, 2), then worker 1 (1, 0).
    EXPECT_EQ(child.out, "1 2 3 4 3 2 1 0 ") << lock;
  }
}

}  // namespace
}  // namespace lockscope::engine::replay
