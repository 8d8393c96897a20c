// Workload format version 2: declared locks (rwlocks and mutexes), nesting,
// observed waits, failed tries and late starts; and how version 1 relates
// to it. Errors are pinned at their line and column like version 1's
// (workload_reader_test.cpp).
#include "traces/workload_reader.hpp"
#include "traces/workload_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

namespace lockscope::traces {
namespace {

std::expected<WorkloadTrace, ParseError> read_text(std::string_view text) {
  std::istringstream in{std::string(text)};
  return read_workload(in, "t.workload");
}

std::string write_text(const WorkloadTrace& t, const WorkloadWriteOptions& o = {}) {
  std::ostringstream out;
  write_workload(out, t, o);
  return out.str();
}

// Reads `text`, expects it rejected at line:column, returns the message.
std::string error_at(std::string_view text, std::size_t line, std::size_t column) {
  const auto r = read_text(text);
  if (r) {
    ADD_FAILURE() << "accepted:\n" << text;
    return {};
  }
  EXPECT_EQ(r.error().line, line) << r.error().to_string();
  EXPECT_EQ(r.error().column, column) << r.error().to_string();
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  return r.error().message;
}

// Two locks (an rwlock and a mutex), two workers; op lines begin at line 9.
constexpr std::string_view kHeader =
    "lockscope-workload 2\n"
    "contexts 2\n"
    "locks 2\n"
    "lock 0 rwlock cache_lock\n"
    "lock 1 mutex stats\n"
    "workers 2\n"
    "worker 0 context 0\n"
    "worker 1 context 1 start 5000\n";

std::string with_ops(std::string_view ops, std::size_t count) {
  return std::string(kHeader) + std::string(ops) + "end " + std::to_string(count) + "\n";
}

Op op(OpKind kind, std::uint64_t value = 0, std::uint32_t lock = 0, std::uint8_t flags = 0) {
  return Op{kind, value, lock, flags};
}

// -- accepted input ----------------------------------------------------------

TEST(WorkloadV2, ReadsLocksStartsObservedWaitsAndFailedTries) {
  const auto r = read_text(with_ops(
      "0 rdlock 0 waited 120\n"
      "0 hold 250\n"
      "0 wrlock 1\n"  // a mutex nested in the read section, no observed wait
      "0 hold 40\n"
      "0 wrunlock 1\n"
      "0 rdunlock 0\n"
      "0 think 400\n"
      "1 wrfail 0 waited 5000\n"  // a timed wrlock that gave up
      "1 rdfail 0\n"              // a try that failed at once
      "1 wrlock 0 waited 0\n"     // observed: no wait at all
      "1 wrunlock 0\n",
      11));
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->locks.size(), 2U);
  EXPECT_EQ(r->locks[0], (LockDecl{LockKind::rwlock, "cache_lock"}));
  EXPECT_EQ(r->locks[1], (LockDecl{LockKind::mutex, "stats"}));
  EXPECT_EQ(r->lock_count(), 2U);
  EXPECT_EQ(r->lock_kind(1), LockKind::mutex);
  EXPECT_EQ(r->workers[0].start_ns, 0U);
  EXPECT_EQ(r->workers[1].start_ns, 5000U);
  EXPECT_EQ(r->workers[1].initial_context, 1U);
  const std::vector<Op> w0{op(OpKind::read_acquire, 120, 0, kOpObserved),
                           op(OpKind::hold, 250),
                           op(OpKind::write_acquire, 0, 1),
                           op(OpKind::hold, 40),
                           op(OpKind::write_release, 0, 1),
                           op(OpKind::read_release, 0, 0),
                           op(OpKind::think, 400)};
  const std::vector<Op> w1{op(OpKind::write_acquire_failed, 5000, 0), op(OpKind::read_acquire_failed, 0, 0),
                           op(OpKind::write_acquire, 0, 0, kOpObserved), op(OpKind::write_release, 0, 0)};
  EXPECT_EQ(r->workers[0].ops, w0);
  EXPECT_EQ(r->workers[1].ops, w1);
  EXPECT_EQ(r->lock_op_count(), 3U);  // failed tries are not acquisitions
  EXPECT_TRUE(r->needs_version2());
}

TEST(WorkloadV2, LocksNestInAnyOrder) {
  // Taken 0 then 1, released 0 first (hand-over-hand); hold is legal while
  // any lock is held, think only when none is.
  EXPECT_TRUE(read_text(with_ops("0 rdlock 0\n0 hold 1\n0 wrlock 1\n0 rdunlock 0\n0 hold 2\n0 wrunlock 1\n0 think 3\n",
                                 7)));
  EXPECT_TRUE(read_text(with_ops("0 wrlock 1\n0 wrlock 0\n0 wrunlock 1\n0 wrunlock 0\n", 4)));
  // Two workers may both hold the read side: file order is not time order.
  EXPECT_TRUE(read_text(with_ops("0 rdlock 0\n1 rdlock 0\n1 rdunlock 0\n0 rdunlock 0\n", 4)));
  // A failed try holds nothing, so it needs no unlock and allows think.
  EXPECT_TRUE(read_text(with_ops("0 wrfail 1\n0 think 5\n0 rdfail 0 waited 7\n", 3)));
  // A failed try of one lock while holding another.
  EXPECT_TRUE(read_text(with_ops("0 rdlock 0\n0 wrfail 1 waited 10\n0 rdunlock 0\n", 3)));
  // Moving between contexts while holding two locks.
  EXPECT_TRUE(read_text(with_ops("0 rdlock 0\n0 wrlock 1\n0 move 1\n0 wrunlock 1\n0 rdunlock 0\n", 5)));
}

TEST(WorkloadV2, WithoutALocksLineTheTraceHasOneRwlock) {
  const auto r = read_text(
      "lockscope-workload 2\ncontexts 1\nworkers 1\nworker 0 context 0 start 9\n"
      "0 rdlock 0 waited 3\n0 hold 1\n0 rdunlock 0\nend 3\n");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_TRUE(r->locks.empty());
  EXPECT_EQ(r->lock_count(), 1U);
  EXPECT_EQ(r->lock_kind(0), LockKind::rwlock);
  EXPECT_EQ(r->workers[0].start_ns, 9U);
}

TEST(WorkloadV2, LockNamesUnescapeAndMayBeLeftOut) {
  const auto r = read_text(
      "lockscope-workload 2\ncontexts 0\nlocks 3\n"
      "lock 0 rwlock a\\x20b\\x23c\\\\d\\x09\n"
      "lock 1 mutex\n"
      "lock 2 mutex caf\xc3\xa9+64   # a comment\n"
      "workers 0\nend 0\n");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->locks[0].name, "a b#c\\d\t");
  EXPECT_EQ(r->locks[1].name, "");
  EXPECT_EQ(r->locks[2].name, "caf\xc3\xa9+64");
}

TEST(WorkloadV2, AVersion1TraceAndItsVersion2RenderingAreTheSameTrace) {
  const auto v1 = read_workload_file(std::string(LOCKSCOPE_TRACES_FIXTURES) + "/migrating-reader.workload");
  ASSERT_TRUE(v1) << v1.error().to_string();
  EXPECT_FALSE(v1->needs_version2());
  const std::string rendered = write_text(*v1, {.force_version2 = true});
  EXPECT_EQ(rendered.rfind("lockscope-workload 2\n", 0), 0U) << rendered;
  EXPECT_NE(rendered.find("\n0 rdlock 0\n"), std::string::npos) << rendered;
  EXPECT_EQ(rendered.find("\nlocks "), std::string::npos) << rendered;
  const auto v2 = read_text(rendered);
  ASSERT_TRUE(v2) << v2.error().to_string();
  EXPECT_EQ(*v2, *v1);  // the replay sees exactly the same data
  // Written without forcing, it is version 1 again, byte for byte.
  EXPECT_EQ(write_text(*v2), write_text(*v1));
  EXPECT_EQ(write_text(*v2).rfind("lockscope-workload 1\n", 0), 0U);
}

TEST(WorkloadV2, AnExplicitSingleRwlockHasTheSameOpsAsVersion1) {
  const auto v1 = read_text(
      "lockscope-workload 1\ncontexts 1\nworkers 1\nworker 0 context 0\n0 wrlock\n0 hold 5\n0 wrunlock\nend 3\n");
  const auto v2 = read_text(
      "lockscope-workload 2\ncontexts 1\nlocks 1\nlock 0 rwlock the_lock\nworkers 1\nworker 0 context 0\n"
      "0 wrlock 0\n0 hold 5\n0 wrunlock 0\nend 3\n");
  ASSERT_TRUE(v1) << v1.error().to_string();
  ASSERT_TRUE(v2) << v2.error().to_string();
  EXPECT_EQ(v1->workers, v2->workers);
  EXPECT_EQ(v1->lock_count(), v2->lock_count());
  EXPECT_EQ(v1->lock_kind(0), v2->lock_kind(0));
}

// -- header errors -------------------------------------------------------------

TEST(WorkloadV2, LockDeclarationErrorsAreAtTheirColumn) {
  const std::string pre = "lockscope-workload 2\ncontexts 1\n";
  EXPECT_EQ(error_at(pre + "locks 0\n", 3, 7),
            "`locks 0`: declare at least one lock, or leave the line out for a single rwlock (lock 0)");
  error_at(pre + "locks 1048577\n", 3, 7);
  error_at(pre + "locks\n", 3, 1);
  EXPECT_EQ(error_at(pre + "bogus 3\n", 3, 1), "expected `locks <count>` or `workers <count>`, got `bogus`");
  EXPECT_EQ(error_at(pre + "locks 2\nlock 1 rwlock a\n", 4, 6),
            "expected lock 0 (lock lines go in order 0..1), got 1");
  EXPECT_EQ(error_at(pre + "locks 1\nlock 0 spinlock a\n", 4, 8), "unknown lock kind `spinlock` (kinds are rwlock, mutex)");
  EXPECT_EQ(error_at(pre + "locks 1\nlock 0\n", 4, 6), "`lock 0` needs a kind: rwlock or mutex");
  EXPECT_EQ(error_at(pre + "locks 1\nlock 0 mutex a b\n", 4, 16),
            "unexpected `b` after the lock's name (a name is one token: write a space as \\x20)");
  error_at(pre + "locks 2\nlock 0 mutex a\nworkers 0\n", 5, 1);
  const std::string cut = error_at(pre + "locks 2\nlock 0 mutex a\n", 4, 0);
  EXPECT_EQ(cut, "truncated: the file ends before `lock 1 rwlock|mutex <name>`");
  // Version 1 knows no `locks` line.
  error_at("lockscope-workload 1\ncontexts 1\nlocks 1\n", 3, 1);
}

TEST(WorkloadV2, WorkerStartErrorsAreAtTheirColumn) {
  const std::string pre = "lockscope-workload 2\ncontexts 1\nworkers 1\n";
  EXPECT_EQ(error_at(pre + "worker 0 context 0 start\n", 4, 20), "`start` needs a time in nanoseconds");
  EXPECT_EQ(error_at(pre + "worker 0 context 0 begin 5\n", 4, 20),
            "expected `start <ns>` or the end of the line, got `begin`");
  error_at(pre + "worker 0 context 0 start -5\n", 4, 26);
  error_at(pre + "worker 0 context 0 start 5 6\n", 4, 28);
  // Version 1 reads exactly as before: `start` is an extra token there.
  EXPECT_EQ(error_at("lockscope-workload 1\ncontexts 1\nworkers 1\nworker 0 context 0 start 5\n", 4, 20),
            "unexpected `start` at the end of the line");
}

// -- op errors -----------------------------------------------------------------

TEST(WorkloadV2, LockOpsNameAnExistingLock) {
  EXPECT_EQ(error_at(with_ops("0 rdlock\n", 1), 9, 3), "`rdlock` needs a lock id");
  EXPECT_EQ(error_at(with_ops("0 think 1\n0 wrunlock\n", 2), 10, 3), "`wrunlock` needs a lock id");
  EXPECT_EQ(error_at(with_ops("0 rdlock 2\n", 1), 9, 10), "unknown lock 2 (locks are 0..1)");
  EXPECT_EQ(error_at(with_ops("0 wrfail x\n", 1), 9, 10), "expected a lock id (a decimal number), got `x`");
  error_at(with_ops("0 rdlock -1\n", 1), 9, 10);
  EXPECT_EQ(error_at("lockscope-workload 2\ncontexts 1\nworkers 1\nworker 0 context 0\n0 rdlock 1\n", 5, 10),
            "unknown lock 1 (the trace declares no locks: its one rwlock is lock 0)");
}

TEST(WorkloadV2, WaitedIsAnAcquisitionsOnlyExtra) {
  EXPECT_EQ(error_at(with_ops("0 rdlock 0 wait 5\n", 1), 9, 12),
            "expected `waited <ns>` or the end of the line, got `wait`");
  EXPECT_EQ(error_at(with_ops("0 rdlock 0 waited\n", 1), 9, 12), "`waited` needs a duration in nanoseconds");
  EXPECT_EQ(error_at(with_ops("0 rdlock 0 waited -5\n", 1), 9, 19),
            "`-5` is negative; expected a duration in nanoseconds");
  error_at(with_ops("0 rdlock 0 waited 5 6\n", 1), 9, 21);
  EXPECT_EQ(error_at(with_ops("0 rdlock 0\n0 rdunlock 0 waited 5\n", 2), 10, 14),
            "unexpected `waited`: `rdunlock` takes only a lock id");
}

TEST(WorkloadV2, AMutexIsNeverReadLocked) {
  const std::string m = error_at(with_ops("0 rdlock 1\n", 1), 9, 3);
  EXPECT_EQ(m, "`rdlock` of lock 1 (`stats`), a mutex: a mutex is taken with `wrlock` (or `wrfail`) and released "
               "with `wrunlock`");
  error_at(with_ops("0 wrlock 1\n0 rdunlock 1\n", 2), 10, 3);
  error_at(with_ops("0 rdfail 1\n", 1), 9, 3);
}

TEST(WorkloadV2, ReacquiringAHeldLockIsAnErrorAtTheOp) {
  EXPECT_EQ(error_at(with_ops("0 rdlock 0\n1 rdlock 0\n0 rdlock 0\n", 3), 11, 3),
            "`rdlock` of lock 0 (`cache_lock`), which worker 0 already holds for read (taken at line 9); a worker "
            "never re-acquires a lock it holds, not even by a try (a recording collapses recursive acquisitions)");
  error_at(with_ops("0 rdlock 0\n0 wrlock 0\n", 2), 10, 3);
  error_at(with_ops("0 wrlock 1\n0 wrlock 0\n0 wrlock 1\n", 3), 11, 3);
  error_at(with_ops("0 wrlock 1\n0 wrfail 1\n", 2), 10, 3);
  error_at(with_ops("0 rdlock 0\n0  rdfail 0 waited 4\n", 2), 10, 4);
}

TEST(WorkloadV2, ReleasesNeedTheirLockHeldInTheirMode) {
  EXPECT_EQ(error_at(with_ops("0 rdlock 0\n0 wrunlock 1\n", 2), 10, 3),
            "`wrunlock` of lock 1 (`stats`), which worker 0 does not hold");
  EXPECT_EQ(error_at(with_ops("0 rdlock 0\n0 wrunlock 0\n", 2), 10, 3),
            "`wrunlock` of lock 0 (`cache_lock`), which worker 0 holds for read (taken at line 9)");
  error_at(with_ops("0 wrlock 0\n0 rdunlock 0\n", 2), 10, 3);
  // Another worker's lock does not count.
  error_at(with_ops("0 wrlock 1\n1 wrunlock 1\n0 wrunlock 1\n", 3), 10, 3);
  // A failed try holds nothing.
  error_at(with_ops("0 wrfail 1\n0 wrunlock 1\n", 2), 10, 3);
  // Released twice.
  error_at(with_ops("0 rdlock 0\n0 rdunlock 0\n0 rdunlock 0\n", 3), 11, 3);
}

TEST(WorkloadV2, HoldNeedsSomeLockAndThinkNone) {
  EXPECT_EQ(error_at(with_ops("0 rdlock 0\n0 wrlock 1\n0 wrunlock 1\n0 think 5\n", 4), 12, 3),
            "`think` inside a critical section: worker 0 holds lock 0 (`cache_lock`) for read, taken at line 9 (busy "
            "time under a lock is `hold`)");
  EXPECT_EQ(error_at(with_ops("0 rdlock 0\n0 wrlock 1\n0 think 5\n", 3), 11, 3),
            "`think` inside a critical section: worker 0 holds lock 1 (`stats`) for write, taken at line 10 (busy "
            "time under a lock is `hold`)");
  EXPECT_EQ(error_at(with_ops("0 wrfail 1\n0 hold 5\n", 2), 10, 3),
            "`hold` outside a critical section: worker 0 holds no lock (busy time outside a lock is `think`)");
}

TEST(WorkloadV2, LocksStillHeldAtTheEndAreReportedAtTheOutermost) {
  EXPECT_EQ(error_at(with_ops("1 think 1\n1 wrlock 1\n1 rdlock 0\n1 hold 3\n", 4), 10, 3),
            "truncated or unbalanced: worker 1 still holds lock 1 (`stats`) for write, taken at line 10");
}

TEST(WorkloadV2, AWorkerHoldsAtMostTheLimitOfLocks) {
  const std::size_t n = kMaxWorkloadHeldLocks + 1;
  std::string text = "lockscope-workload 2\ncontexts 1\nlocks " + std::to_string(n) + "\n";
  for (std::size_t l = 0; l < n; ++l) text += "lock " + std::to_string(l) + " mutex\n";
  text += "workers 1\nworker 0 context 0\n";
  const std::size_t first_op_line = 6 + n;
  for (std::size_t l = 0; l < n; ++l) text += "0 wrlock " + std::to_string(l) + "\n";
  for (std::size_t l = 0; l < n; ++l) text += "0 wrunlock " + std::to_string(l) + "\n";
  text += "end " + std::to_string(2 * n) + "\n";
  EXPECT_EQ(error_at(text, first_op_line + n - 1, 3), "worker 0 would hold more than 1024 locks at once");
}

TEST(WorkloadV2, Version1KnowsNoneOfIt) {
  const std::string v1 = "lockscope-workload 1\ncontexts 1\nworkers 1\nworker 0 context 0\n";
  EXPECT_EQ(error_at(v1 + "0 rdfail\nend 1\n", 5, 3),
            "unknown op `rdfail` (ops are rdlock, rdunlock, wrlock, wrunlock, hold, think, move, create, destroy)");
  EXPECT_EQ(error_at(v1 + "0 rdlock 0\nend 1\n", 5, 10), "unexpected `0`: `rdlock` takes no value");
  EXPECT_EQ(error_at(with_ops("0 grab 0\n", 1), 9, 3),
            "unknown op `grab` (ops are rdlock, rdunlock, wrlock, wrunlock, rdfail, wrfail, hold, think, move, "
            "create, destroy)");
}

// -- the writer ----------------------------------------------------------------

WorkloadTrace recorded_sample() {
  WorkloadTrace t;
  t.origin = "recorded: ./cache-demo 2";
  t.initial_contexts = 2;
  t.locks = {{LockKind::rwlock, "cache_lock"}, {LockKind::mutex, "stats mutex#1\\"}};
  t.workers.resize(2);
  t.workers[0].initial_context = 0;
  t.workers[0].ops = {op(OpKind::read_acquire, 120, 0, kOpObserved), op(OpKind::hold, 250),
                      op(OpKind::write_acquire, 0, 1, kOpObserved), op(OpKind::write_release, 0, 1),
                      op(OpKind::read_release, 0, 0), op(OpKind::think, 400)};
  t.workers[1].initial_context = 1;
  t.workers[1].start_ns = 150000;
  t.workers[1].ops = {op(OpKind::write_acquire_failed, 5000, 0), op(OpKind::read_acquire_failed, 0, 0),
                      op(OpKind::write_acquire, 0, 0), op(OpKind::write_release, 0, 0)};
  return t;
}

TEST(WorkloadV2, WritesTheCanonicalVersion2Layout) {
  EXPECT_EQ(write_text(recorded_sample()),
            "lockscope-workload 2\n"
            "# origin: recorded: ./cache-demo 2\n"
            "contexts 2\n"
            "locks 2\n"
            "lock 0 rwlock cache_lock\n"
            "lock 1 mutex stats\\x20mutex\\x231\\\\\n"
            "workers 2\n"
            "worker 0 context 0\n"
            "worker 1 context 1 start 150000\n"
            "\n"
            "0 rdlock 0 waited 120\n"
            "0 hold 250\n"
            "0 wrlock 1 waited 0\n"
            "0 wrunlock 1\n"
            "0 rdunlock 0\n"
            "0 think 400\n"
            "\n"
            "1 wrfail 0 waited 5000\n"
            "1 rdfail 0\n"
            "1 wrlock 0\n"
            "1 wrunlock 0\n"
            "\n"
            "end 10\n");
  const auto back = read_text(write_text(recorded_sample()));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, recorded_sample());
}

TEST(WorkloadV2, WritesVersion2ForAnyOneOfItsFeatures) {
  const auto version_of = [](const WorkloadTrace& t) { return write_text(t).substr(0, 21); };
  WorkloadTrace t;
  t.initial_contexts = 1;
  t.workers.resize(1);
  t.workers[0].ops = {op(OpKind::write_acquire), op(OpKind::write_release)};
  EXPECT_EQ(version_of(t), "lockscope-workload 1\n");
  WorkloadTrace a = t;
  a.locks = {{LockKind::rwlock, ""}};
  EXPECT_EQ(version_of(a), "lockscope-workload 2\n");
  WorkloadTrace b = t;
  b.workers[0].start_ns = 1;
  EXPECT_EQ(version_of(b), "lockscope-workload 2\n");
  WorkloadTrace c = t;
  c.workers[0].ops[0].flags = kOpObserved;
  EXPECT_EQ(version_of(c), "lockscope-workload 2\n");
  WorkloadTrace d = t;
  d.workers[0].ops.push_back(op(OpKind::read_acquire_failed));
  EXPECT_EQ(version_of(d), "lockscope-workload 2\n");
  for (const WorkloadTrace* x : {&a, &b, &c, &d}) {
    const auto back = read_text(write_text(*x));
    ASSERT_TRUE(back) << back.error().to_string() << "\n" << write_text(*x);
    EXPECT_EQ(*back, *x);
  }
}

TEST(WorkloadV2, EscapesEveryByteThatWouldBreakTheNameToken) {
  WorkloadTrace t;
  std::string name;
  for (int c = 0; c < 256; ++c) name.push_back(static_cast<char>(c));
  t.locks = {{LockKind::mutex, name}};
  const std::string text = write_text(t);
  const std::string line = text.substr(text.find("lock 0 mutex "));
  EXPECT_EQ(line.find_first_of(std::string(" \t#\r\n\0", 6), 13), line.find('\n')) << line;
  EXPECT_NE(line.find("\\x00\\x01"), std::string::npos);
  EXPECT_NE(line.find("\\x20!\"\\x23$"), std::string::npos);
  EXPECT_NE(line.find("[\\\\]"), std::string::npos);
  EXPECT_NE(line.find("~\\x7f\x80"), std::string::npos);
  const auto back = read_text(text);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->locks[0].name, name);
}

// A valid version-2 trace: several locks of both kinds taken nested in any
// order, failed tries, observed waits, late starts, moves while holding.
WorkloadTrace random_v2_trace(std::mt19937_64& rng, std::size_t ops_per_worker) {
  WorkloadTrace t;
  t.initial_contexts = 1 + static_cast<std::uint32_t>(rng() % 3);
  const std::size_t locks = 1 + rng() % 5;
  for (std::size_t l = 0; l < locks; ++l) {
    t.locks.push_back({rng() % 3 == 0 ? LockKind::mutex : LockKind::rwlock,
                       rng() % 5 == 0 ? std::string() : "lock #" + std::to_string(l) + (rng() % 2 ? " \\x" : "")});
  }
  t.workers.resize(1 + rng() % 5);
  for (WorkerPlan& p : t.workers) {
    p.initial_context = static_cast<std::uint32_t>(rng() % t.initial_contexts);
    if (rng() % 2 == 0) p.start_ns = rng() % 1'000'000;
    std::vector<std::pair<std::uint32_t, bool>> held;  // lock, write
    const auto holds = [&held](std::uint32_t l) {
      return std::any_of(held.begin(), held.end(), [l](const auto& h) { return h.first == l; });
    };
    while (p.ops.size() < ops_per_worker || !held.empty()) {
      const auto lock = static_cast<std::uint32_t>(rng() % locks);
      const bool write = t.locks[lock].kind == LockKind::mutex || rng() % 3 == 0;
      const bool observed = rng() % 2 == 0;
      switch (rng() % 6) {
        case 0:
        case 1:
          if (p.ops.size() < ops_per_worker && !holds(lock)) {
            p.ops.push_back(op(write ? OpKind::write_acquire : OpKind::read_acquire, observed ? rng() % 9000 : 0, lock,
                               observed ? kOpObserved : 0));
            held.emplace_back(lock, write);
          }
          break;
        case 2:
          if (!held.empty()) {
            const std::size_t i = rng() % held.size();
            p.ops.push_back(op(held[i].second ? OpKind::write_release : OpKind::read_release, 0, held[i].first));
            held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
          }
          break;
        case 3:
          if (!holds(lock)) {
            p.ops.push_back(op(write ? OpKind::write_acquire_failed : OpKind::read_acquire_failed,
                               rng() % 2 == 0 ? 0 : rng() % 100000, lock));
          }
          break;
        case 4: p.ops.push_back(op(held.empty() ? OpKind::think : OpKind::hold, rng() % 5000)); break;
        default: p.ops.push_back(op(OpKind::move, rng() % t.initial_contexts));
      }
    }
  }
  return t;
}

TEST(WorkloadV2, RoundTripsRandomValidTraces) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 300; ++i) {
    WorkloadTrace t = random_v2_trace(rng, rng() % 60);
    if (i % 4 == 0) t.origin = "recorded " + std::to_string(i);
    const std::string text = write_text(t);
    const auto back = read_text(text);
    ASSERT_TRUE(back) << back.error().to_string() << "\n" << text;
    EXPECT_EQ(*back, t);
    EXPECT_EQ(write_text(*back), text);
  }
}

TEST(WorkloadV2, EveryPrefixOfAValidTraceIsRejectedAsTruncated) {
  const std::string full = write_text(recorded_sample());
  ASSERT_TRUE(read_text(full));
  const std::size_t first_line = full.find('\n') + 1;
  for (std::size_t n = 0; n < full.size(); ++n) {
    const auto r = read_text(std::string_view(full).substr(0, n));
    ASSERT_FALSE(r) << "prefix of " << n << " bytes accepted";
    if (n >= first_line) {
      EXPECT_EQ(r.error().message.rfind("truncated", 0), 0U) << n << ": " << r.error().to_string();
    }
  }
}

TEST(WorkloadV2, RandomMutationsNeverCrash) {
  std::mt19937_64 rng(20261202);
  const std::string valid = write_text(recorded_sample());
  using namespace std::string_view_literals;
  constexpr std::string_view kAlphabet = "0123456789 \t\n#-rdwlockunhtimvecasyfailtedrx\r\\\x00\xff"sv;
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = valid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % (text.size() + 1);
      const char c = kAlphabet[rng() % kAlphabet.size()];
      switch (rng() % 3) {
        case 0: if (at < text.size()) text[at] = c; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        default: if (at < text.size()) text.erase(at, 1); break;
      }
    }
    const auto r = read_text(text);
    if (r) {
      ++accepted;
      // Whatever was accepted writes back into something that reads the same.
      const auto again = read_text(write_text(*r));
      ASSERT_TRUE(again) << again.error().to_string();
      EXPECT_EQ(*again, *r);
      continue;
    }
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    EXPECT_LE(r.error().line, lines);
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << r.error().message;
  }
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 2000);
}

}  // namespace
}  // namespace lockscope::traces
