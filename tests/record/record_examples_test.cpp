// The examples recorded end to end (run_recorded, the interposer, the
// reader), each recording checked against what the program printed: its
// threads, per-thread counts of each operation, lock kinds and symbols,
// nesting, recursive re-acquisitions. No timing is asserted beyond order.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "record/raw_recording.hpp"
#include "tests/record/recorded_run.hpp"

namespace lockscope::record {
namespace {

using test::parse_thread_counts;
using test::run_captured;
using test::temp_path;

std::map<RawOp, long> count_ops(const RawThread& t) {
  std::map<RawOp, long> n;
  for (const RawEvent& e : t.events) ++n[e.op];
  return n;
}

const RawThread* thread_by_tid(const RawRecording& r, std::uint32_t tid) {
  for (const RawThread& t : r.threads) {
    if (t.tid == tid) return &t;
  }
  return nullptr;
}

const RawLock* lock_by_symbol(const RawRecording& r, const std::string& symbol) {
  for (const RawLock& l : r.locks) {
    if (l.symbol == symbol) return &l;
  }
  return nullptr;
}

// Events of one thread are in program order and each is well-formed.
void expect_ordered(const RawThread& t) {
  std::uint64_t last = 0;
  for (const RawEvent& e : t.events) {
    EXPECT_LE(e.begin_ns, e.end_ns);
    EXPECT_LE(last, e.begin_ns + 1000) << "thread " << t.tid;  // TSC skew across cores is far below 1 us
    last = e.end_ns;
  }
  EXPECT_LE(t.start_ns, t.end_ns);
}

RawRecording record_ok(const std::string& program, const std::vector<std::string>& args, test::Captured* out) {
  const std::string raw = temp_path(".raw");
  *out = run_captured(program, args, raw);
  EXPECT_TRUE(out->run.has_value()) << out->run.error();
  auto rec = read_raw_recording(raw);
  EXPECT_TRUE(rec.has_value()) << rec.error().to_string();
  std::remove(raw.c_str());
  return rec ? *rec : RawRecording{};
}

TEST(RecordRwlockCache, RecordingMatchesWhatTheProgramDid) {
  test::Captured c;
  const RawRecording rec = record_ok(LOCKSCOPE_TEST_RWLOCK_CACHE, {"4", "20000", "50"}, &c);
  ASSERT_TRUE(c.run.has_value());
  EXPECT_EQ(c.run->exit_status, 0);
  EXPECT_EQ(c.run->how, "exit 0");
  EXPECT_EQ(c.err, "");  // the program's stderr is its own: the recorder printed nothing
  EXPECT_EQ(rec.pid, c.run->pid);
  EXPECT_EQ(rec.program, LOCKSCOPE_TEST_RWLOCK_CACHE);
  EXPECT_EQ(rec.args, (std::vector<std::string>{"4", "20000", "50"}));
  EXPECT_EQ(rec.end_reason, "return from main (status 0)");
  EXPECT_EQ(rec.dropped, 0u);
  EXPECT_EQ(rec.recursive_skipped, 0u);

  // One lock, the C program's global, named by its symbol; taken in worker().
  ASSERT_EQ(rec.locks.size(), 1u);
  EXPECT_EQ(rec.locks[0].kind, RawLockKind::rwlock);
  EXPECT_EQ(rec.locks[0].symbol, "cache_lock");
  EXPECT_EQ(rec.locks[0].callsite, "worker");

  // The main thread takes no pthread lock (stdio's are glibc-internal): the workers only.
  const auto printed = parse_thread_counts(c.out);
  ASSERT_EQ(printed.size(), 4u);
  ASSERT_EQ(rec.threads.size(), 4u);
  for (const auto& p : printed) {
    const RawThread* t = thread_by_tid(rec, p.tid);
    ASSERT_NE(t, nullptr) << "thread " << p.index;
    EXPECT_EQ(t->name, "cache-" + std::to_string(p.index));
    auto n = count_ops(*t);
    EXPECT_EQ(n[RawOp::rdlock], p.reads);
    EXPECT_EQ(n[RawOp::wrlock], p.writes);
    EXPECT_EQ(n[RawOp::rw_unlock], p.reads + p.writes);
    expect_ordered(*t);
    // Each acquisition is followed by its release; every call succeeded.
    for (std::size_t i = 0; i < t->events.size(); ++i) {
      const RawEvent& e = t->events[i];
      EXPECT_TRUE(e.ok);
      EXPECT_EQ(e.lock, rec.locks[0].address);
      EXPECT_EQ(e.attempt, RawAttempt::blocking);
      EXPECT_EQ(e.op == RawOp::rw_unlock, i % 2 == 1) << "event " << i;
    }
    EXPECT_LE(t->end_ns, rec.end_ns);
  }
}

TEST(RecordSharedMutexNested, LocksKindsNestingAndRecursion) {
  test::Captured c;
  const RawRecording rec = record_ok(LOCKSCOPE_TEST_SHARED_MUTEX_NESTED, {"3", "4000", "100"}, &c);
  ASSERT_TRUE(c.run.has_value());
  EXPECT_EQ(c.run->exit_status, 0);

  // C++ globals in a namespace: demangled symbols; kinds from the calls.
  const RawLock* table = lock_by_symbol(rec, "example::table_mutex");
  const RawLock* stats = lock_by_symbol(rec, "example::stats_mutex");
  const RawLock* audit = lock_by_symbol(rec, "example::audit_mutex");
  const RawLock* done = lock_by_symbol(rec, "example::done_mutex");
  ASSERT_TRUE(table && stats && audit && done);
  EXPECT_EQ(table->kind, RawLockKind::rwlock);
  EXPECT_EQ(stats->kind, RawLockKind::mutex);
  EXPECT_EQ(audit->kind, RawLockKind::mutex);
  EXPECT_NE(table->callsite.find("example::work"), std::string::npos) << table->callsite;

  const auto printed = parse_thread_counts(c.out);
  ASSERT_EQ(printed.size(), 3u);
  long writes = 0;
  for (const auto& p : printed) {
    const RawThread* t = thread_by_tid(rec, p.tid);
    ASSERT_NE(t, nullptr);
    expect_ordered(*t);
    long rd = 0, wr = 0, stats_locks = 0, audit_locks = 0;
    int shared_held = 0, exclusive_held = 0;
    for (const RawEvent& e : t->events) {
      EXPECT_TRUE(e.ok);
      if (e.lock == table->address) {
        if (e.op == RawOp::rdlock) ++rd, ++shared_held;
        if (e.op == RawOp::wrlock) ++wr, ++exclusive_held;
        if (e.op == RawOp::rw_unlock) {
          // The release of whichever the thread holds.
          if (exclusive_held > 0) --exclusive_held; else --shared_held;
        }
      } else if (e.lock == stats->address && e.op == RawOp::mutex_lock) {
        ++stats_locks;
        EXPECT_EQ(shared_held, 1) << "the stats mutex is always taken inside the shared lock";
      } else if (e.lock == audit->address && e.op == RawOp::mutex_lock) {
        ++audit_locks;
        EXPECT_EQ(exclusive_held, 1) << "the audit mutex is taken inside the exclusive lock";
      }
      EXPECT_GE(shared_held, 0);
      EXPECT_LE(shared_held + exclusive_held, 1);
    }
    EXPECT_EQ(rd, p.reads);
    EXPECT_EQ(wr, p.writes);
    EXPECT_EQ(stats_locks, p.nested);
    EXPECT_EQ(audit_locks, p.writes) << "only the outer of the two recursive acquisitions is recorded";
    auto n = count_ops(*t);
    EXPECT_EQ(n[RawOp::mutex_lock], n[RawOp::mutex_unlock]);
    writes += p.writes;
  }
  // The inner re-acquisition of each audit: counted, not recorded.
  EXPECT_EQ(rec.recursive_skipped, static_cast<std::uint64_t>(writes));
  EXPECT_NE(c.out.find("recursive_nested " + std::to_string(writes)), std::string::npos);

  // The main thread waits on a condition variable with done_mutex: each wait
  // releases it at entry and re-takes it at return, inside lock/unlock.
  const RawThread* main_thread = thread_by_tid(rec, rec.pid);
  ASSERT_NE(main_thread, nullptr);
  int held = 0;
  for (const RawEvent& e : main_thread->events) {
    EXPECT_EQ(e.lock, done->address);
    if (e.op == RawOp::mutex_lock || e.op == RawOp::cond_reacquire) ++held;
    if (e.op == RawOp::mutex_unlock || e.op == RawOp::cond_release) --held;
    EXPECT_GE(held, 0);
    EXPECT_LE(held, 1);
  }
  EXPECT_EQ(held, 0);
}

TEST(RecordRwlockCache, MonotonicClockFallbackRecordsTheSame) {
  // The clock used when the TSC is not invariant; forced here.
  setenv("LOCKSCOPE_RECORD_CLOCK", "monotonic", 1);
  test::Captured c;
  const RawRecording rec = record_ok(LOCKSCOPE_TEST_RWLOCK_CACHE, {"2", "3000", "100"}, &c);
  unsetenv("LOCKSCOPE_RECORD_CLOCK");
  const auto printed = parse_thread_counts(c.out);
  ASSERT_EQ(printed.size(), 2u);
  for (const auto& p : printed) {
    const RawThread* t = thread_by_tid(rec, p.tid);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(count_ops(*t)[RawOp::wrlock], p.writes);
    expect_ordered(*t);
  }
}

TEST(RecordRwlockCache, ExitStatusIsTheProgramsAndTheRecordingSaysHow) {
  test::Captured c;
  const RawRecording rec = record_ok(LOCKSCOPE_TEST_RWLOCK_CACHE, {"0", "1", "1"}, &c);  // refused: exit 2
  ASSERT_TRUE(c.run.has_value());
  EXPECT_EQ(c.run->exit_status, 2);
  EXPECT_EQ(rec.end_reason, "return from main (status 2)");
  EXPECT_TRUE(rec.threads.empty());
  EXPECT_NE(c.err.find("bad arguments"), std::string::npos);  // the program's own stderr, untouched
}

}  // namespace
}  // namespace lockscope::record
