// convert_recording: raw interposer events to a workload trace and a
// measured timeline, on hand-made recordings whose answer is known.
#include "engine/record/convert.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "traces/workload_reader.hpp"
#include "traces/workload_writer.hpp"

namespace lockscope::engine::record {
namespace {

using lockscope::record::RawAttempt;
using lockscope::record::RawEvent;
using lockscope::record::RawLock;
using lockscope::record::RawLockKind;
using lockscope::record::RawOp;
using lockscope::record::RawRecording;
using lockscope::record::RawThread;
using traces::Op;
using traces::OpKind;
using traces::WorkerState;

constexpr std::uint64_t kCache = 0x1000;
constexpr std::uint64_t kStats = 0x2000;

RawEvent ev(RawOp op, std::uint64_t lock, std::uint64_t begin, std::uint64_t end, bool ok = true,
            RawAttempt attempt = RawAttempt::blocking) {
  return RawEvent{lock, begin, end, op, attempt, ok};
}

RawRecording two_locks() {
  RawRecording raw;
  raw.program = "cache";
  raw.end_ns = 10'000;
  raw.end_reason = "exit 0";
  raw.locks = {RawLock{kCache, RawLockKind::rwlock, "cache_lock", "lookup"},
               RawLock{kStats, RawLockKind::mutex, "", "bump"}};
  RawThread main;
  main.tid = 100;
  main.start_ns = 0;
  main.end_ns = 10'000;
  // read cache (waits 50), nested stats mutex, release both, then write.
  main.events = {ev(RawOp::rdlock, kCache, 100, 150), ev(RawOp::mutex_lock, kStats, 200, 200),
                 ev(RawOp::mutex_unlock, kStats, 300, 300), ev(RawOp::rw_unlock, kCache, 400, 400),
                 ev(RawOp::wrlock, kCache, 1000, 3000), ev(RawOp::rw_unlock, kCache, 3500, 3500)};
  RawThread late;
  late.tid = 101;
  late.name = "worker";
  late.start_ns = 2000;
  late.end_ns = 9000;
  late.events = {ev(RawOp::rdlock, kCache, 2500, 2500, false, RawAttempt::try_),
                 ev(RawOp::rdlock, kCache, 3500, 3600), ev(RawOp::rdlock, kCache, 3700, 3700),
                 ev(RawOp::rw_unlock, kCache, 3800, 3800), ev(RawOp::rw_unlock, kCache, 3900, 3900)};
  raw.threads = {main, late};
  return raw;
}

TEST(ConvertRecording, EachThreadIsAWorkerInAContextOfItsOwn) {
  const Conversion c = convert_recording(two_locks(), {});
  ASSERT_EQ(c.trace.workers.size(), 2U);
  EXPECT_EQ(c.trace.initial_contexts, 2U);
  EXPECT_EQ(c.trace.workers[0].initial_context, 0U);
  EXPECT_EQ(c.trace.workers[1].initial_context, 1U);
  EXPECT_EQ(c.trace.workers[1].start_ns, 2000U);
}

TEST(ConvertRecording, LocksAreNamedBySymbolThenAddress) {
  const Conversion c = convert_recording(two_locks(), {});
  ASSERT_EQ(c.trace.locks.size(), 2U);
  EXPECT_EQ(c.trace.locks[0].name, "cache_lock");
  EXPECT_EQ(c.trace.locks[0].kind, traces::LockKind::rwlock);
  EXPECT_EQ(c.trace.locks[1].name, "0x2000");
  EXPECT_EQ(c.trace.locks[1].kind, traces::LockKind::mutex);
  ConvertOptions by_callsite;
  by_callsite.name_by = NameLocksBy::callsite;
  const Conversion d = convert_recording(two_locks(), by_callsite);
  EXPECT_EQ(d.trace.locks[0].name, "first-taken-in:lookup");
  EXPECT_EQ(d.trace.locks[1].name, "first-taken-in:bump");
}

TEST(ConvertRecording, NestingGapsAndObservedWaitsBecomeOps) {
  const Conversion c = convert_recording(two_locks(), {});
  const std::vector<Op> expected = {
      {OpKind::think, 100},
      {OpKind::read_acquire, 50, 0, traces::kOpObserved},
      {OpKind::hold, 50},
      {OpKind::write_acquire, 0, 1, traces::kOpObserved},
      {OpKind::hold, 100},
      {OpKind::write_release, 0, 1},
      {OpKind::hold, 100},
      {OpKind::read_release, 0, 0},
      {OpKind::think, 600},
      {OpKind::write_acquire, 2000, 0, traces::kOpObserved},
      {OpKind::hold, 500},
      {OpKind::write_release, 0, 0},
      {OpKind::think, 6500},
  };
  EXPECT_EQ(c.trace.workers[0].ops, expected);
  EXPECT_EQ(c.summary.locks[0].reads, 2U);  // one per thread
  EXPECT_EQ(c.summary.locks[0].writes, 1U);
  EXPECT_EQ(c.summary.locks[0].contended, 1U);  // the 2 us write wait
  EXPECT_EQ(c.summary.locks[0].write_wait_ns.max, 2000U);
  EXPECT_EQ(c.summary.locks[1].writes, 1U);
}

TEST(ConvertRecording, AFailedTryAndARecursiveReadAreKeptApart) {
  const Conversion c = convert_recording(two_locks(), {});
  const std::vector<Op> expected = {
      {OpKind::think, 500},
      {OpKind::read_acquire_failed, 0, 0},
      {OpKind::think, 1000},
      {OpKind::read_acquire, 100, 0, traces::kOpObserved},
      {OpKind::hold, 300},  // the recursive read and its release are folded away
      {OpKind::read_release, 0, 0},
      {OpKind::think, 5100},
  };
  EXPECT_EQ(c.trace.workers[1].ops, expected);
  EXPECT_EQ(c.summary.recursive_folded, 1U);
  EXPECT_EQ(c.summary.locks[0].failed, 1U);
}

TEST(ConvertRecording, ALockHeldAtTheEndIsReleasedThereAndAStrayReleaseDropped) {
  RawRecording raw = two_locks();
  raw.threads[1].events = {ev(RawOp::mutex_unlock, kStats, 2100, 2100), ev(RawOp::rdlock, kCache, 2200, 2200)};
  const Conversion c = convert_recording(raw, {});
  EXPECT_EQ(c.summary.unmatched_releases, 1U);
  EXPECT_EQ(c.summary.released_at_end, 1U);
  const auto& ops = c.trace.workers[1].ops;
  ASSERT_GE(ops.size(), 2U);
  EXPECT_EQ(ops[ops.size() - 1].kind, OpKind::read_release);
  EXPECT_EQ(ops[ops.size() - 2].kind, OpKind::hold);
  EXPECT_EQ(ops[ops.size() - 2].value, 9000U - 2200U);
}

TEST(ConvertRecording, ACondWaitReleasesTheMutexAndRetakesItWithoutAnObservedWait) {
  RawRecording raw = two_locks();
  raw.threads[1].events = {ev(RawOp::mutex_lock, kStats, 2100, 2100), ev(RawOp::cond_release, kStats, 2200, 2200),
                           ev(RawOp::cond_reacquire, kStats, 5000, 5000), ev(RawOp::mutex_unlock, kStats, 5100, 5100)};
  const Conversion c = convert_recording(raw, {});
  const std::vector<Op> expected = {
      {OpKind::think, 100},
      {OpKind::write_acquire, 0, 1, traces::kOpObserved},
      {OpKind::hold, 100},
      {OpKind::write_release, 0, 1},
      {OpKind::think, 2800},
      {OpKind::write_acquire, 0, 1, 0},
      {OpKind::hold, 100},
      {OpKind::write_release, 0, 1},
      {OpKind::think, 3900},
  };
  EXPECT_EQ(c.trace.workers[1].ops, expected);
  EXPECT_EQ(c.summary.cond_waits, 1U);
}

TEST(ConvertRecording, TheTimelineIsMeasuredAndItsSpansNameTheirLock) {
  const Conversion c = convert_recording(two_locks(), {});
  EXPECT_EQ(c.timeline.source, traces::TimelineSource::measured);
  EXPECT_TRUE(c.timeline.lines.empty());
  ASSERT_EQ(c.timeline.locks.size(), 2U);
  EXPECT_EQ(c.timeline.locks[0].name, "cache_lock (rwlock)");
  const auto& spans = c.timeline.workers[0].spans;
  // running, waiting_read, reading cache, writing stats, reading cache, running, waiting_write, writing, running
  const std::vector<traces::Span> expected = {
      {0, 100'000, WorkerState::running, traces::kNoLock},
      {100'000, 150'000, WorkerState::waiting_read, 0},
      {150'000, 200'000, WorkerState::reading, 0},
      {200'000, 300'000, WorkerState::writing, 1},
      {300'000, 400'000, WorkerState::reading, 0},
      {400'000, 1'000'000, WorkerState::running, traces::kNoLock},
      {1'000'000, 3'000'000, WorkerState::waiting_write, 0},
      {3'000'000, 3'500'000, WorkerState::writing, 0},
      {3'500'000, 10'000'000, WorkerState::running, traces::kNoLock},
  };
  EXPECT_EQ(spans, expected);
  EXPECT_EQ(c.timeline.workers[1].name, "thread 101 (worker)");
}

// A nested mutex held for less than a clock tick leaves no span: the read
// it interrupted stays one span (two would read as a release and a re-take,
// one acquisition too many in the GUI's counts), while a release and a
// re-take at one instant stay two.
TEST(ConvertRecording, AHoldShorterThanATickDoesNotSplitTheHoldAroundIt) {
  RawRecording raw = two_locks();
  raw.threads.resize(1);
  raw.threads[0].events = {ev(RawOp::rdlock, kCache, 100, 100),       ev(RawOp::mutex_lock, kStats, 200, 200),
                           ev(RawOp::mutex_unlock, kStats, 200, 200), ev(RawOp::rw_unlock, kCache, 400, 400),
                           ev(RawOp::rdlock, kCache, 400, 400),       ev(RawOp::rw_unlock, kCache, 500, 500)};
  const Conversion c = convert_recording(raw, {});
  const std::vector<traces::Span> expected = {
      {0, 100'000, WorkerState::running, traces::kNoLock},
      {100'000, 400'000, WorkerState::reading, 0},
      {400'000, 500'000, WorkerState::reading, 0},
      {500'000, 10'000'000, WorkerState::running, traces::kNoLock},
  };
  EXPECT_EQ(c.timeline.workers[0].spans, expected);
}

TEST(ConvertRecording, TwoLocksWithOneNameAreToldApart) {
  RawRecording raw = two_locks();
  raw.locks[1].symbol = "cache_lock";
  const Conversion c = convert_recording(raw, {});
  EXPECT_EQ(c.trace.locks[0].name, "cache_lock");
  EXPECT_EQ(c.trace.locks[1].name, "cache_lock#2");
}

// The trace format rejects a failed try of a held lock (it never competed
// with anyone): the conversion counts it and keeps it out of the ops.
TEST(ConvertRecording, AFailedTryOfAHeldLockIsCountedNotReplayed) {
  RawRecording raw = two_locks();
  raw.threads[1].events = {ev(RawOp::mutex_lock, kStats, 2100, 2100),
                           ev(RawOp::mutex_lock, kStats, 2150, 2150, false, RawAttempt::try_),
                           ev(RawOp::mutex_unlock, kStats, 2200, 2200)};
  const Conversion c = convert_recording(raw, {});
  const std::vector<Op> expected = {
      {OpKind::think, 100},
      {OpKind::write_acquire, 0, 1, traces::kOpObserved},
      {OpKind::hold, 100},
      {OpKind::write_release, 0, 1},
      {OpKind::think, 6800},
  };
  EXPECT_EQ(c.trace.workers[1].ops, expected);
  EXPECT_EQ(c.summary.locks[1].failed, 1U);
}

// Whatever a program did (stray releases, failed tries of held locks,
// recursion, cond waits, locks held at exit), the trace it converts to is
// one the reader accepts, and reads back equal.
TEST(ConvertRecording, AnyRecordingConvertsToATraceTheReaderAccepts) {
  std::uint64_t state = 42;
  auto next = [&](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  for (int round = 0; round < 200; ++round) {
    RawRecording raw;
    raw.end_ns = 1'000'000;
    for (std::uint64_t l = 0; l < 4; ++l) {
      raw.locks.push_back({0x1000 + 64 * l, l < 2 ? RawLockKind::rwlock : RawLockKind::mutex, "", ""});
    }
    for (std::uint32_t t = 0; t < 3; ++t) {
      RawThread th;
      th.tid = t;
      th.start_ns = next(1000);
      std::uint64_t now = th.start_ns;
      for (int i = 0; i < 60; ++i) {
        const std::uint64_t lock = 0x1000 + 64 * next(4);
        const bool rw = lock < 0x1000 + 128;
        const RawOp ops_rw[] = {RawOp::rdlock, RawOp::wrlock, RawOp::rw_unlock};
        const RawOp ops_mx[] = {RawOp::mutex_lock, RawOp::mutex_unlock, RawOp::cond_release, RawOp::cond_reacquire};
        const RawOp op = rw ? ops_rw[next(3)] : ops_mx[next(4)];
        const std::uint64_t wait = next(3) == 0 ? next(500) : 0;
        th.events.push_back(ev(op, lock, now, now + wait, next(5) != 0, static_cast<RawAttempt>(next(3))));
        now += wait + next(100);
      }
      th.end_ns = now + next(100);
      raw.threads.push_back(std::move(th));
    }
    const Conversion c = convert_recording(raw, {});
    std::stringstream text;
    traces::write_workload(text, c.trace);
    auto back = traces::read_workload(text, "converted");
    ASSERT_TRUE(back.has_value()) << "round " << round << ": " << back.error().to_string();
    EXPECT_EQ(*back, c.trace);
  }
}

}  // namespace
}  // namespace lockscope::engine::record
