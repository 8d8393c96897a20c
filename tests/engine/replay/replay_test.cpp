#include "engine/replay/replay.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <sstream>
#include <string>

#include "engine/replay/forked_replay.hpp"
#include "engine/replay/step_counters.hpp"
#include "engine/sim/sim_session.hpp"
#include "traces/timeline_file.hpp"
#include "tests/engine/replay/in_child.hpp"

namespace lockscope::engine::replay {
namespace {

using lockscope::testing::in_child;
using traces::OpKind;

// `groups` of 8 cores: 25 ns inside a group, 100 ns across; 1 ns L1.
coherence::CostModel grouped(unsigned cores) {
  coherence::CostModel c;
  c.cores = cores;
  c.l1_hit = 1'000;
  c.memory = 90'000;
  c.transfer.resize(std::size_t{cores} * cores);
  for (unsigned a = 0; a < cores; ++a) {
    for (unsigned b = 0; b < cores; ++b) {
      c.transfer[a * cores + b] = a == b ? 1'000 : (a / 8 == b / 8 ? 25'000 : 100'000);
    }
    c.socket_of.push_back(a / 8);  // for numa: sockets of eight cores,
    c.cache_of.push_back(a / 4);   // and numa-ccx: caches of four
  }
  return c;
}

// Every worker in its own context reads `reads` times, thinking 5 ns between.
traces::WorkloadTrace readers(unsigned workers, unsigned reads) {
  traces::WorkloadTrace t;
  t.initial_contexts = workers;
  for (unsigned w = 0; w < workers; ++w) {
    traces::WorkerPlan p;
    p.initial_context = w;
    for (unsigned i = 0; i < reads; ++i) {
      p.ops.push_back({OpKind::read_acquire});
      p.ops.push_back({OpKind::read_release});
      p.ops.push_back({OpKind::think, 5});
    }
    t.workers.push_back(std::move(p));
  }
  return t;
}

void add_writes(traces::WorkloadTrace& t, unsigned worker, unsigned writes) {
  for (unsigned i = 0; i < writes; ++i) {
    auto& ops = t.workers[worker].ops;
    ops.push_back({OpKind::think, 500});
    ops.push_back({OpKind::write_acquire});
    ops.push_back({OpKind::hold, 50});
    ops.push_back({OpKind::write_release});
  }
}

// The fields a test looks at, as text, from a replay in a child process.
struct Summary {
  double throughput = 0;
  double transfers_per_op = 0;
  std::uint64_t ops = 0, sim_ps = 0, violations = 0;
  std::int64_t residual = 0;
  int deadlock = 0;
  std::uint64_t fingerprint = 0;
  std::string error;
};

std::uint64_t fingerprint(const traces::Timeline& t) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&](std::uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
  for (const auto& w : t.workers) {
    for (const auto& s : w.spans) {
      mix(s.start);
      mix(s.end);
      mix(static_cast<std::uint64_t>(s.state));
    }
  }
  for (const auto& x : t.transfers) {
    mix(x.start);
    mix(x.end);
    mix(x.line);
    mix(static_cast<std::uint64_t>(x.from + 1));
    mix(x.to);
  }
  return h;
}

Summary run(const traces::WorkloadTrace& trace, std::string lock, unsigned cores, double jitter = 0,
            std::uint64_t seed = 1) {
  const auto child = in_child([&] {
    ReplayOptions o;
    o.lock = lock;
    o.costs = grouped(cores);
    o.seed = seed;
    o.jitter = jitter;
    const ReplayResult r = replay(trace, o);
    std::ostringstream out;
    out << r.throughput_ops_per_sim_sec() << ' ' << r.transfers_per_op() << ' ' << r.lock_ops() << ' '
        << r.sim_time_ps << ' ' << r.violations << ' ' << r.residual_readers << ' ' << r.deadlock << ' '
        << fingerprint(r.timeline) << ' ' << (r.error.empty() ? "-" : r.error);
    return out.str();
  });
  EXPECT_EQ(child.status, 0) << child.out;
  Summary s;
  std::istringstream in(child.out);
  in >> s.throughput >> s.transfers_per_op >> s.ops >> s.sim_ps >> s.violations >> s.residual >> s.deadlock >>
      s.fingerprint;
  std::getline(in >> std::ws, s.error);
  if (s.error == "-") s.error.clear();
  return s;
}

TEST(Replay, CentralCounterCollapsesWhilePerContextCountersScale) {
  const Summary graph8 = run(readers(8, 2000), "graph", 8);
  const Summary graph32 = run(readers(32, 2000), "graph", 32);
  const Summary central8 = run(readers(8, 2000), "central", 8);
  const Summary central32 = run(readers(32, 2000), "central", 32);
  // Graph readers touch only their own line: throughput grows with cores.
  EXPECT_GT(graph32.throughput, 0.8 * 4 * graph8.throughput);
  EXPECT_LT(graph32.transfers_per_op, 0.01);
  // Central readers bounce one line: two transfers per operation, no gain.
  EXPECT_NEAR(central32.transfers_per_op, 2.0, 0.05);
  EXPECT_LE(central32.throughput, central8.throughput * 1.05);
  EXPECT_GT(graph32.throughput, 20 * central32.throughput);
}

// QEMU's unpadded counters: four contexts to a line. The same readers that
// never bounce a line under `graph` now move one on most operations, and the
// line's name says whose counters share it.
TEST(Replay, PackedCountersShowFalseSharing) {
  const Summary padded = run(readers(8, 1000), "graph", 8);
  const Summary packed = run(readers(8, 1000), "graph-packed", 8);
  EXPECT_LT(padded.transfers_per_op, 0.01);
  EXPECT_GT(packed.transfers_per_op, 0.5);
  EXPECT_GT(padded.throughput, 3 * packed.throughput);
}

TEST(Replay, ReadersAndAWriterKeepMutualExclusionOnEveryLock) {
  for (const char* lock : {"graph", "graph-asym", "graph-qemu", "graph-packed", "central", "graph:full:always:held",
                           "numa", "numa-ccx", "percpu", "graph-fair",
                           "pflock", "bravo"}) {
    traces::WorkloadTrace t = readers(6, 300);
    add_writes(t, 0, 20);
    add_writes(t, 3, 20);
    const Summary s = run(t, lock, 8, 0.3, 7);
    EXPECT_EQ(s.violations, 0U) << lock;
    EXPECT_EQ(s.deadlock, 0) << lock;
    EXPECT_EQ(s.residual, 0) << lock;
    EXPECT_EQ(s.ops, 6U * 300 + 40) << lock;
    EXPECT_TRUE(s.error.empty()) << lock << ": " << s.error;
  }
}

TEST(Replay, SameInputsAndSeedGiveTheSameTimeline) {
  traces::WorkloadTrace t = readers(8, 200);
  add_writes(t, 2, 10);
  const Summary a = run(t, "graph", 8, 0.2, 42);
  const Summary b = run(t, "graph", 8, 0.2, 42);
  const Summary c = run(t, "graph", 8, 0.2, 43);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.sim_ps, b.sim_ps);
  EXPECT_NE(a.fingerprint, c.fingerprint) << "jitter follows the seed";
}

TEST(Replay, TimelineRecordsUpgradesInTimeOrder) {
  traces::WorkloadTrace t = readers(4, 50);
  add_writes(t, 1, 5);
  const auto child = in_child([&] {
    ReplayOptions o;
    o.lock = "graph";
    o.costs = grouped(4);
    const ReplayResult r = replay(t, o);
    const auto& up = r.timeline.upgrades;
    const bool sorted = std::is_sorted(up.begin(), up.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
    const bool valid = traces::encode_timeline(r.timeline).has_value();  // lines and cores in range
    return std::to_string(up.size()) + (sorted ? " sorted" : " unsorted") + (valid ? " valid" : " invalid");
  });
  ASSERT_EQ(child.status, 0) << child.out;
  std::istringstream in(child.out);
  std::size_t n = 0;
  std::string sorted, valid;
  in >> n >> sorted >> valid;
  EXPECT_GT(n, 0U) << "a writer's stores on lines it filled or shared are silent changes to M";
  EXPECT_EQ(sorted, "sorted");
  EXPECT_EQ(valid, "valid");
}

// With a zero quantum every charge is its own SimGrid sleep, so this checks
// the engine's clock precision: the default (1e-9 s) would round these away.
TEST(Replay, OneCycleAccessesAreNotRoundedAway) {
  auto with_reads = [](unsigned reads) {
    traces::WorkloadTrace t = readers(1, reads);
    for (auto& op : t.workers[0].ops) {
      if (op.kind == OpKind::think) op.value = 0;
    }
    return t;
  };
  auto sim_ps = [](const traces::WorkloadTrace& t) {
    const auto child = in_child([&] {
      ReplayOptions o;
      o.lock = "graph-asym";  // no fences: a read is L1 hits only
      o.costs = grouped(1);
      o.costs.l1_hit = 250;  // one cycle at 4 GHz
      o.sim_costs.quantum = 0;
      return std::to_string(replay(t, o).sim_time_ps);
    });
    return std::stoull(child.out);
  };
  const std::uint64_t base = sim_ps(with_reads(10));
  const std::uint64_t more = sim_ps(with_reads(1010));
  // 1000 more reads, each four L1 hits (rdlock: counter, has_writer;
  // rdunlock: counter, has_writer), as the lock's essay claims. With the
  // default 1e-9 s precision each 250 ps sleep became a whole nanosecond.
  EXPECT_EQ(more - base, 1000U * 4 * 250);
}

// lockimpl/percpu_rwsem.hpp's claim: while no writer comes, a read touches
// only the reader's own counter line and the read-shared gp_state line, and
// takes no fence: rdlock and rdunlock are two L1 hits each.
TEST(Replay, PercpuFastReadIsFourL1Hits) {
  auto sim_ps = [](unsigned reads) {
    traces::WorkloadTrace t = readers(1, reads);
    for (auto& op : t.workers[0].ops) {
      if (op.kind == OpKind::think) op.value = 0;
    }
    const auto child = in_child([&] {
      ReplayOptions o;
      o.lock = "percpu";
      o.costs = grouped(1);
      o.costs.l1_hit = 250;
      o.sim_costs.quantum = 0;
      return std::to_string(replay(t, o).sim_time_ps);
    });
    return std::stoull(child.out);
  };
  EXPECT_EQ(sim_ps(1010) - sim_ps(10), 1000U * 4 * 250);
}

// lockimpl/graph_fair_lock.hpp's claim: its read fast path is graph's, line
// for line and fence for fence, so a lone reader costs exactly the same.
TEST(Replay, GraphFairFastReadCostsWhatGraphsDoes) {
  auto sim_ps = [](const char* lock) {
    traces::WorkloadTrace t = readers(1, 1000);
    const auto child = in_child([&] {
      ReplayOptions o;
      o.lock = lock;
      o.costs = grouped(1);
      o.sim_costs.quantum = 0;
      return std::to_string(replay(t, o).sim_time_ps);
    });
    return std::stoull(child.out);
  };
  const std::uint64_t graph = sim_ps("graph");
  EXPECT_EQ(sim_ps("graph-fair"), graph);
  EXPECT_NE(sim_ps("percpu"), graph) << "the comparison must be able to fail";
}

// ... and with 32 readers on 32 cores no line moves between them.
TEST(Replay, PercpuReadersNeverBounceALine) {
  const Summary s = run(readers(32, 1000), "percpu", 32);
  EXPECT_LT(s.transfers_per_op, 0.01);
  EXPECT_EQ(s.violations, 0U);
}

TEST(Replay, ReadLockTakenInOneContextAndReleasedInAnother) {
  traces::WorkloadTrace t;
  t.initial_contexts = 2;
  t.workers.resize(2);
  t.workers[1].initial_context = 1;
  auto& a = t.workers[0].ops;
  a = {{OpKind::read_acquire}, {OpKind::move, 1}, {OpKind::hold, 100}, {OpKind::read_release}};
  add_writes(t, 1, 3);
  const Summary s = run(t, "graph", 2);
  EXPECT_EQ(s.residual, 0);
  EXPECT_EQ(s.violations, 0U);
  EXPECT_EQ(s.deadlock, 0);
}

TEST(Replay, DestroyingAContextWithAReaderOutstandingOrphansItsCount) {
  traces::WorkloadTrace t;
  t.initial_contexts = 1;
  t.workers.resize(2);
  auto& a = t.workers[0].ops;
  a = {{OpKind::create_context, 5}, {OpKind::move, 5},  {OpKind::read_acquire}, {OpKind::move, 0},
       {OpKind::destroy_context, 5}, {OpKind::hold, 200}, {OpKind::read_release}};
  add_writes(t, 1, 5);
  const Summary s = run(t, "graph", 2);
  EXPECT_TRUE(s.error.empty()) << s.error;
  EXPECT_EQ(s.residual, 0);
  EXPECT_EQ(s.violations, 0U);
  EXPECT_EQ(s.deadlock, 0);
}

TEST(Replay, DestroyingAContextInUseIsATraceErrorNotACrash) {
  traces::WorkloadTrace t;
  t.initial_contexts = 2;
  t.workers.resize(2);
  t.workers[1].initial_context = 1;
  t.workers[0].ops = {{OpKind::think, 100}, {OpKind::destroy_context, 1}};
  t.workers[1].ops = {{OpKind::think, 1000}};
  const Summary s = run(t, "graph", 2);
  EXPECT_NE(s.error.find("destroys context 1 while a worker runs in it"), std::string::npos) << s.error;
}

TEST(ForkedReplay, SummaryRoundTripsThroughItsTextForm) {
  ReplayResult r;
  r.lock = "graph:full:if_writer:polling";
  r.machine = "epyc-64";
  r.cores = 64;
  r.read_ops = 10;
  r.read_wait_ns = {5, 1, 2, 3};
  r.violations = 2;
  r.deadlock = true;
  r.lines.push_back({4, "a + b", 7, 1, {0, 5}});
  r.blocked.push_back({3, "the reader queue"});
  const ReplayResult back = decode_summary(encode_summary(r));
  EXPECT_EQ(back.lock, r.lock);
  EXPECT_EQ(back.cores, 64U);
  EXPECT_EQ(back.read_wait_ns.p99, 2U);
  EXPECT_EQ(back.violations, 2U);
  EXPECT_TRUE(back.deadlock);
  EXPECT_EQ(back.lines, r.lines) << "a line's id, counts, cores and a name with spaces";
  ASSERT_EQ(back.blocked.size(), 1U);
  EXPECT_EQ(back.blocked[0].waiting_in, "the reader queue");
  EXPECT_TRUE(back.error.empty());
}

TEST(ForkedReplay, ACutOffSummaryIsAnErrorNotACleanRun) {
  ReplayResult r;
  r.violations = 3;
  std::string text = encode_summary(r);
  text.resize(text.find("violations"));
  EXPECT_FALSE(decode_summary(text).error.empty());
}

TEST(Replay, AReaderThatTakesTheWriteLockDeadlocksAndIsReported) {
  traces::WorkloadTrace t;
  t.initial_contexts = 1;
  t.workers.resize(1);
  t.workers[0].ops = {{OpKind::read_acquire}, {OpKind::write_acquire}};
  const Summary s = run(t, "graph", 1);
  EXPECT_EQ(s.deadlock, 1);
}

// A million-worker trace used to abort deep inside SimGrid (it could not
// protect the stacks of so many actors); now it is refused up front, before
// any simulation starts.
TEST(Replay, ATraceWithMoreWorkersThanASimulationHoldsIsRefusedWithTheReason) {
  const unsigned most = sim::max_sim_workers();
  traces::WorkloadTrace t;
  t.initial_contexts = 1;
  t.workers.resize(std::size_t{most} + 1);
  ReplayOptions o;
  o.lock = "graph";
  o.costs = grouped(8);
  const ReplayResult r = replay(t, o);
  EXPECT_NE(r.error.find(fmt::format("the trace has {} workers; a simulation here holds at most {}", most + 1, most)),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("vm.max_map_count"), std::string::npos) << r.error;
}

// A think time of 2^64-1 ns used to wrap the picosecond clock: the replay
// reported 0.137 us of simulated time as if nothing were wrong.
TEST(Replay, DurationsPastTheSimulatedClockAreRefusedNotWrapped) {
  for (const std::vector<std::uint64_t>& thinks :
       {std::vector<std::uint64_t>{UINT64_MAX}, std::vector<std::uint64_t>{600'000'000'000'000'000ULL, 600'000'000'000'000'000ULL},
        std::vector<std::uint64_t>{1'000'000'000'000'001ULL}}) {
    traces::WorkloadTrace t = readers(2, 1);
    for (const std::uint64_t ns : thinks) t.workers[1].ops.push_back({OpKind::think, ns});
    ReplayOptions o;
    o.lock = "graph";
    o.costs = grouped(8);
    const ReplayResult r = replay(t, o);
    EXPECT_NE(r.error.find("worker 1's think, hold and wait times add up to more than 1,000,000 s"), std::string::npos)
        << r.error;
  }
}

// Every line a lock's mutexes, wait queues and waiters fall in is named as
// the lock knows it (graph.writer_mutex), never `mutex#0` or `waiter#1`.
TEST(Replay, EveryLocksMutexesAndWaitersNameTheirLines) {
  traces::WorkloadTrace t = readers(4, 20);
  add_writes(t, 0, 5);
  add_writes(t, 3, 5);
  for (const std::string_view lock : sim_lock_names()) {
    const auto child = in_child([&] {
      ReplayOptions o;
      o.lock = std::string(lock);
      o.costs = grouped(8);
      const ReplayResult r = replay(t, o);
      std::string names;
      for (const traces::CachelineRow& line : r.lines) names += line.name + "\n";
      return r.error.empty() ? names : "error: " + r.error;
    });
    ASSERT_EQ(child.status, 0) << lock;
    EXPECT_EQ(child.out.find("error:"), std::string::npos) << lock << ": " << child.out;
    EXPECT_EQ(child.out.find('#'), std::string::npos) << lock << " has an unnamed line:\n" << child.out;
  }
}

// Each counter sample is the count at its time: readers inside equals the
// lanes reading then, queued readers the lanes queued, waiting writers the
// lanes waiting to write or draining. The simulator executes workers up to
// a quantum out of time order, so a count kept in that order would not be.
std::string counter_mismatches(const traces::Timeline& tl) {
  const auto count_at = [&](std::uint64_t t, auto in_state) {
    std::int64_t n = 0;
    for (const auto& w : tl.workers) {
      const auto it = std::upper_bound(w.spans.begin(), w.spans.end(), t,
                                       [](std::uint64_t at, const traces::Span& s) { return at < s.start; });
      if (it != w.spans.begin() && std::prev(it)->end > t && in_state(std::prev(it)->state)) ++n;
    }
    return n;
  };
  std::ostringstream out;
  std::size_t samples = 0;
  for (const traces::TimelineCounter& c : tl.counters) {
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < c.samples.size(); ++i) {
      const traces::CounterSample& s = c.samples[i];
      ++samples;
      if (i > 0 && c.samples[i - 1].time >= s.time) ++wrong;  // one sample per time, in order
      const std::int64_t want = count_at(s.time, [&](traces::WorkerState st) {
        using enum traces::WorkerState;
        if (c.name == "readers_inside") return st == reading;
        if (c.name == "queued_readers") return st == queued_read;
        return st == waiting_write || st == draining;
      });
      if (want != s.value) ++wrong;
    }
    out << c.name << '=' << wrong << ' ';
  }
  out << "samples=" << samples;
  return out.str();
}

TEST(Replay, TimelineCountersAreTheCountsAtTheirTimes) {
  auto t = readers(16, 150);
  add_writes(t, 3, 10);
  add_writes(t, 11, 10);
  for (const char* lock : {"graph", "central", "glibc-rwlock"}) {
    const auto child = in_child([&] {
      ReplayOptions o;
      o.lock = lock;
      o.costs = grouped(16);
      const ReplayResult r = replay(t, o);
      return counter_mismatches(r.timeline);
    });
    ASSERT_EQ(child.status, 0) << lock;
    EXPECT_EQ(child.out.substr(0, child.out.find(" samples")),
              "readers_inside=0 queued_readers=0 writers_waiting=0")
        << lock << ": " << child.out;
    EXPECT_EQ(child.out.find("samples=0"), std::string::npos) << lock << ": " << child.out;
  }
  // Past StepCounters::kChunk steps: chunks sorted on the counters' own
  // thread while the simulation runs, merged, and the rest at the end.
  const auto child = in_child([&] {
    ReplayOptions o;
    o.lock = "graph";
    o.costs = grouped(16);
    o.jitter = 0.3;  // workers out of step, so that few steps share a time
    const ReplayResult r = replay(readers(16, 10'000), o);
    return counter_mismatches(r.timeline);
  });
  ASSERT_EQ(child.status, 0);
  EXPECT_EQ(child.out.substr(0, child.out.find(" samples")), "readers_inside=0 queued_readers=0 writers_waiting=0")
      << child.out;
  const auto at = child.out.find("samples=");
  ASSERT_NE(at, std::string::npos) << child.out;
  EXPECT_GT(std::strtoull(child.out.c_str() + at + 8, nullptr, 10), StepCounters::kChunk) << child.out;
}

// A writer waiting in the lock's Waiter waits for readers, whether it
// spins there first or sleeps, and on graph-qemu with the flag down: its
// lane says "waiting for readers" (draining) all that time. Before, the
// spinning part showed as waiting_write, which the legend calls waiting
// behind another writer, though no other writer was there.
TEST(Replay, AWriterWaitingForReadersIsDrawnSoWhileItSpinsAndSleeps) {
  for (const char* lock : {"graph", "graph-qemu", "central"}) {
    traces::WorkloadTrace t;
    t.initial_contexts = 2;
    traces::WorkerPlan reader;
    reader.initial_context = 0;
    reader.ops = {{OpKind::read_acquire}, {OpKind::hold, 20'000}, {OpKind::read_release}};
    traces::WorkerPlan writer;
    writer.initial_context = 1;
    writer.ops = {{OpKind::think, 1'000}, {OpKind::write_acquire}, {OpKind::hold, 100}, {OpKind::write_release}};
    t.workers = {reader, writer};
    const auto child = in_child([&] {
      ReplayOptions o;
      o.lock = lock;
      o.costs = grouped(8);
      const ReplayResult r = replay(t, o);
      std::uint64_t behind_writer = 0;
      std::uint64_t for_readers = 0;
      for (const traces::Span& s : r.timeline.workers.at(1).spans) {
        if (s.state == traces::WorkerState::waiting_write) behind_writer += s.end - s.start;
        if (s.state == traces::WorkerState::draining) for_readers += s.end - s.start;
      }
      return std::to_string(behind_writer) + " " + std::to_string(for_readers) + " " + r.error;
    });
    ASSERT_EQ(child.status, 0) << lock;
    std::istringstream in(child.out);
    std::uint64_t behind_writer = 0;
    std::uint64_t for_readers = 0;
    in >> behind_writer >> for_readers;
    // The reader holds 20 us; the writer waits about 19 us, nearly all of
    // it in the Waiter (only taking its mutex and raising the flag before).
    EXPECT_GT(for_readers, 15'000'000U) << lock << ": " << child.out;
    EXPECT_LT(behind_writer, for_readers / 20) << lock << ": " << child.out;
  }
}

}  // namespace
}  // namespace lockscope::engine::replay
