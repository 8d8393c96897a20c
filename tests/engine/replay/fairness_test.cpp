// Per-worker acquisitions and the fairness figures of a replay: one entry
// per worker whose counts are the worker's own and add up to the run's
// read_ops and write_ops, through the child's pipe, into the JSON and the
// terminal summary.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "engine/replay/forked_replay.hpp"
#include "engine/replay/replay.hpp"
#include "engine/replay/summary.hpp"
#include "tests/engine/replay/printed_summary.hpp"

namespace lockscope::engine::replay {
namespace {

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

// Replays in a child process (SimGrid: one simulation per process); the
// result comes back through encode_summary / decode_summary, the pipe.
ReplayResult run(const traces::WorkloadTrace& trace, const std::string& lock, unsigned cores = 4) {
  ReplayOptions o;
  o.lock = lock;
  o.machine = "flat";
  o.costs = flat(cores);
  return replay_in_child(trace, o, "");
}

void reads(traces::WorkerPlan& p, unsigned n, std::uint32_t lock = 0) {
  for (unsigned i = 0; i < n; ++i) {
    p.ops.push_back({OpKind::read_acquire, 0, lock});
    p.ops.push_back({OpKind::hold, 20});
    p.ops.push_back({OpKind::read_release, 0, lock});
    p.ops.push_back({OpKind::think, 30});
  }
}

void writes(traces::WorkerPlan& p, unsigned n, std::uint32_t lock = 0) {
  for (unsigned i = 0; i < n; ++i) {
    p.ops.push_back({OpKind::write_acquire, 0, lock});
    p.ops.push_back({OpKind::hold, 40});
    p.ops.push_back({OpKind::write_release, 0, lock});
    p.ops.push_back({OpKind::think, 70});
  }
}

// Worker 0 reads 3 times, worker 1 reads 5, worker 2 reads once and writes
// twice, worker 3 only thinks.
traces::WorkloadTrace uneven() {
  traces::WorkloadTrace t;
  t.initial_contexts = 4;
  t.workers.resize(4);
  for (unsigned w = 0; w < 4; ++w) t.workers[w].initial_context = w;
  reads(t.workers[0], 3);
  reads(t.workers[1], 5);
  reads(t.workers[2], 1);
  writes(t.workers[2], 2);
  t.workers[3].ops = {{OpKind::think, 500}};
  return t;
}

using testing::printed_summary;

// The trace's acquisitions of each worker (failed tries do not acquire).
std::vector<std::pair<std::uint64_t, std::uint64_t>> planned(const traces::WorkloadTrace& t) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (const traces::WorkerPlan& p : t.workers) {
    std::uint64_t r = 0, w = 0;
    for (const traces::Op& op : p.ops) {
      r += op.kind == OpKind::read_acquire;
      w += op.kind == OpKind::write_acquire;
    }
    out.emplace_back(r, w);
  }
  return out;
}

void expect_counts_are_the_workers_own(const ReplayResult& r, const traces::WorkloadTrace& t) {
  ASSERT_EQ(r.workers.size(), t.workers.size()) << r.lock;
  const auto plan = planned(t);
  std::uint64_t reads_sum = 0, writes_sum = 0;
  for (std::size_t w = 0; w < r.workers.size(); ++w) {
    EXPECT_EQ(r.workers[w].id, w);
    EXPECT_EQ(r.workers[w].reads, plan[w].first) << r.lock << " worker " << w;
    EXPECT_EQ(r.workers[w].writes, plan[w].second) << r.lock << " worker " << w;
    reads_sum += r.workers[w].reads;
    writes_sum += r.workers[w].writes;
  }
  EXPECT_EQ(reads_sum, r.read_ops) << r.lock;
  EXPECT_EQ(writes_sum, r.write_ops) << r.lock;
}

TEST(ReplayFairness, OneEntryPerWorkerSummingToTheRunsOperations) {
  const traces::WorkloadTrace t = uneven();
  for (const std::string lock : {"graph", "central", "glibc-rwlock"}) {
    const ReplayResult r = run(t, lock);
    ASSERT_TRUE(r.error.empty()) << lock << ": " << r.error;
    ASSERT_TRUE(r.healthy()) << lock;
    EXPECT_EQ(r.read_ops, 9U);
    EXPECT_EQ(r.write_ops, 2U);
    expect_counts_are_the_workers_own(r, t);
    EXPECT_TRUE(r.workers[2].attempted);
    EXPECT_FALSE(r.workers[3].attempted) << "it only thinks";

    // Totals 3, 5, 3; worker 3 is left out.
    const traces::Fairness f = r.fairness();
    EXPECT_EQ(f.workers, 3U);
    EXPECT_EQ(f.max, 5U);
    EXPECT_EQ(f.max_worker, 1U);
    EXPECT_EQ(f.min, 3U);
    EXPECT_EQ(f.min_worker, 0U);
    EXPECT_DOUBLE_EQ(f.max_over_min.value_or(0), 5.0 / 3.0);
    EXPECT_DOUBLE_EQ(f.jain.value_or(0), 121.0 / (3 * 43.0));

    const std::string json = summary_json(r);
    EXPECT_NE(json.find(R"("workers": [)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("id": 2,
      "reads": 1,
      "writes": 2,
      "attempted": true)"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("id": 3,
      "reads": 0,
      "writes": 0,
      "attempted": false)"),
              std::string::npos)
        << json;
    EXPECT_NE(json.find(R"("fairness": {
    "workers": 3,
    "jain": 0.937984496124031,
    "max": 5,
    "max_worker": 1,
    "min": 3,
    "min_worker": 0,
    "max_over_min": 1.6666666666666667
  })"),
              std::string::npos)
        << json;
    EXPECT_NE(printed_summary(r).find("  fairness            Jain 0.938, max/min 1.67 (worker 1: 5, worker 0: 3); 1 of 4 "
                              "workers never tried\n"),
              std::string::npos)
        << printed_summary(r);
  }
}

// Worker 0 takes the read lock and then asks for the write lock: it
// deadlocks holding the read lock, and worker 1, which asks for the write
// lock later, never gets in. It tried, so it counts, with 0: min 0 and an
// infinite max/min (null in the JSON).
TEST(ReplayFairness, AStarvedWorkerCountsWithZeroAndTheRatioIsInfinite) {
  traces::WorkloadTrace t;
  t.initial_contexts = 2;
  t.workers.resize(2);
  t.workers[1].initial_context = 1;
  t.workers[0].ops = {{OpKind::read_acquire}, {OpKind::write_acquire}};
  t.workers[1].ops = {{OpKind::think, 1000}, {OpKind::write_acquire}, {OpKind::write_release}};
  const ReplayResult r = run(t, "graph", 2);
  ASSERT_TRUE(r.deadlock);
  ASSERT_EQ(r.workers.size(), 2U);
  EXPECT_EQ(r.workers[0].reads, 1U);
  EXPECT_EQ(r.workers[1].reads + r.workers[1].writes, 0U);
  EXPECT_TRUE(r.workers[1].attempted);
  const traces::Fairness f = r.fairness();
  EXPECT_EQ(f.workers, 2U);
  EXPECT_EQ(f.min, 0U);
  EXPECT_EQ(f.min_worker, 1U);
  EXPECT_FALSE(f.max_over_min.has_value());
  EXPECT_DOUBLE_EQ(f.jain.value_or(0), 0.5);
  const std::string json = summary_json(r);
  EXPECT_NE(json.find(R"("max_over_min": null)"), std::string::npos) << json;
  EXPECT_NE(printed_summary(r).find("fairness            Jain 0.500, max/min inf (worker 0: 1, worker 1: 0, starved)\n"),
            std::string::npos)
      << printed_summary(r);
}

// Every worker got as many: the line names none of them (it named the
// first maximal and the first minimal, "worker 0: 2, worker 0: 2").
TEST(ReplayFairness, ATieNamesNoWorker) {
  traces::WorkloadTrace t;
  t.initial_contexts = 3;
  t.workers.resize(3);
  for (std::uint32_t w = 0; w < 3; ++w) {
    t.workers[w].initial_context = w;
    for (int i = 0; i < 2; ++i) {
      t.workers[w].ops.push_back({OpKind::read_acquire});
      t.workers[w].ops.push_back({OpKind::read_release});
    }
  }
  const ReplayResult r = run(t, "graph", 3);
  ASSERT_FALSE(r.deadlock);
  EXPECT_NE(printed_summary(r).find("fairness            Jain 1.000, max/min 1.00 (all 3 workers: 2 each)\n"),
            std::string::npos)
      << printed_summary(r);
}

// Several locks, nested, and a failed try: a worker's acquisitions are
// counted over every lock; a failed try is an attempt, not an acquisition.
TEST(ReplayFairness, CountsCoverEveryLockOfARecordedTrace) {
  traces::WorkloadTrace t;
  t.locks = {{traces::LockKind::rwlock, "cache"}, {traces::LockKind::mutex, "stats"}};
  t.initial_contexts = 3;
  t.workers.resize(3);
  for (unsigned w = 0; w < 3; ++w) t.workers[w].initial_context = w;
  for (int i = 0; i < 4; ++i) {  // worker 0: cache read, stats inside it
    auto& ops = t.workers[0].ops;
    ops.push_back({OpKind::read_acquire, 0, 0});
    ops.push_back({OpKind::write_acquire, 0, 1});
    ops.push_back({OpKind::hold, 10});
    ops.push_back({OpKind::write_release, 0, 1});
    ops.push_back({OpKind::read_release, 0, 0});
  }
  writes(t.workers[1], 3, 0);
  t.workers[2].ops = {{OpKind::write_acquire_failed, 0, 0}, {OpKind::think, 100}};
  const ReplayResult r = run(t, "graph");
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_TRUE(r.healthy());
  expect_counts_are_the_workers_own(r, t);
  EXPECT_EQ(r.workers[0].reads, 4U);
  EXPECT_EQ(r.workers[0].writes, 4U) << "the mutex, nested in the rwlock";
  ASSERT_EQ(r.locks.size(), 2U);
  EXPECT_EQ(r.read_ops + r.write_ops, r.locks[0].reads + r.locks[0].writes + r.locks[1].reads + r.locks[1].writes);
  EXPECT_TRUE(r.workers[2].attempted) << "a failed try is an attempt";
  EXPECT_EQ(r.fairness().workers, 3U);
  EXPECT_EQ(r.fairness().min, 0U);
  EXPECT_EQ(r.fairness().min_worker, 2U);
}

TEST(ReplayFairness, PerWorkerCountsRoundTripThroughThePipesTextForm) {
  ReplayResult r;
  r.lock = "graph";
  r.read_ops = 7;
  r.write_ops = 2;
  r.workers = {{0, 5, 0, true}, {1, 2, 2, true}, {2, 0, 0, false}, {3, 0, 0, true}};
  r.blocked.push_back({3, "the reader queue"});
  const ReplayResult back = decode_summary(encode_summary(r));
  EXPECT_TRUE(back.error.empty()) << back.error;
  EXPECT_EQ(back.workers, r.workers);
  ASSERT_EQ(back.blocked.size(), 1U) << "the worker lines do not swallow the next kind";
  EXPECT_EQ(back.blocked[0].worker, 3U);
  // A summary cut off inside the worker lines is an error, not fewer workers.
  std::string text = encode_summary(r);
  text.resize(text.find("worker\t2"));
  EXPECT_FALSE(decode_summary(text).error.empty());
}

}  // namespace
}  // namespace lockscope::engine::replay
