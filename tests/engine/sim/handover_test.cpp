// Handing a line or a lock from one core to another (docs/simulator.md,
// "Handing over: lines and sleepers"): a line that just landed stays
// for line_hold before a core that waited for it in flight takes it, unless
// its holder turns away sooner, so a contended counter moves in batches; a
// worker woken from another core runs again a wake-up later; a waiter
// kicked while it still polls pays no wake-up (its kicker pays a system
// call).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/replay/replay.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::sim {
namespace {

using lockscope::testing::in_child;
using testing::saturated;
using testing::two_speed;

struct Figures {
  double transfers_per_op = 0;
  double ops_per_sec = 0;
  std::uint64_t read_wait_max = 0;
  std::uint64_t write_wait_max = 0;
};

struct Knobs {
  Picos line_hold = 0;
  bool hold_while_used = true;
  Picos wake = 0;
  Picos spin = 0;
  Picos wake_call = 0;
  Picos syscall = 0;
  std::vector<Picos> wake_idle = {};
  std::vector<Picos> wake_after_idle = {};
  unsigned cores = 2;
  std::vector<std::vector<bool>> timed = {};  // ReplayOptions::timed_acquisitions
};

Figures run(const traces::WorkloadTrace& trace, const std::string& lock, Knobs k) {
  const std::string out = in_child([&] {
    replay::ReplayOptions o;
    o.lock = lock;
    o.costs = two_speed(k.cores, k.cores, 100'000, 100'000);
    o.costs.line_hold = k.line_hold;
    o.sim_costs.hold_while_used = k.hold_while_used;
    o.timed_acquisitions = k.timed;
    o.sim_costs.wake = k.wake;
    o.sim_costs.spin = k.spin;
    o.sim_costs.wake_call = k.wake_call;
    o.sim_costs.syscall = k.syscall;
    o.sim_costs.wake_idle = k.wake_idle;
    o.sim_costs.wake_after_idle = k.wake_after_idle;
    const replay::ReplayResult r = replay::replay(trace, o);
    if (!r.error.empty() || r.deadlock || r.violations != 0) return std::string("error ") + r.error;
    std::ostringstream s;
    s << r.transfers_per_op() << ' ' << r.throughput_ops_per_sim_sec() << ' ' << r.read_wait_ns.max << ' '
      << r.write_wait_ns.max;
    return s.str();
  }).out;
  Figures f;
  std::istringstream in(out);
  if (!(in >> f.transfers_per_op >> f.ops_per_sec >> f.read_wait_max >> f.write_wait_max)) {
    ADD_FAILURE() << lock << ": " << out;
  }
  return f;
}

// Two workers on the two cores, in contexts 0 and 1, with these operations.
traces::WorkloadTrace two_workers(std::vector<traces::Op> on_core0, std::vector<traces::Op> on_core1) {
  traces::WorkloadTrace t;
  t.initial_contexts = 2;
  traces::WorkerPlan a;
  a.initial_context = 0;
  a.ops = std::move(on_core0);
  traces::WorkerPlan b;
  b.initial_context = 1;
  b.ops = std::move(on_core1);
  t.workers = {std::move(a), std::move(b)};
  return t;
}

// Worker 0 writes with a long critical section; worker 1, in another
// context on the other core, reads back to back.
traces::WorkloadTrace writer_and_reader(std::uint64_t cs_ns, unsigned rounds) {
  using O = traces::OpKind;
  std::vector<traces::Op> writer, reader;
  for (unsigned i = 0; i < rounds; ++i) {
    writer.insert(writer.end(), {{O::write_acquire}, {O::hold, cs_ns}, {O::write_release}, {O::think, 3 * cs_ns}});
  }
  for (unsigned i = 0; i < rounds * 40; ++i) {
    reader.insert(reader.end(), {{O::read_acquire}, {O::hold, 10}, {O::read_release}, {O::think, 100}});
  }
  return two_workers(std::move(writer), std::move(reader));
}

TEST(LineHold, AContendedCounterMovesInBatches) {
  const traces::WorkloadTrace trace = saturated(2, 2, 2000, 1);
  const Figures eager = run(trace, "central", {});
  const Figures held = run(trace, "central", {.line_hold = 300'000});
  // Without a hold every lock and unlock takes the line from the other core.
  EXPECT_GT(eager.transfers_per_op, 1.8);
  // Held for 300 ns, a core gets several operations done per visit: fewer
  // transfers and more operations per second, though each move costs the same.
  EXPECT_LT(held.transfers_per_op, 0.5 * eager.transfers_per_op);
  EXPECT_GT(held.ops_per_sec, 1.3 * eager.ops_per_sec);
}

TEST(LineHold, AnUncontendedLineIsNotDelayed) {
  // One worker: nobody asks for its lines, so holding them changes nothing.
  const traces::WorkloadTrace trace = saturated(1, 1, 500, 50);
  EXPECT_DOUBLE_EQ(run(trace, "central", {}).ops_per_sec,
                   run(trace, "central", {.line_hold = 300'000}).ops_per_sec);
}

// Worker 0 takes the read lock `reads` times back to back, then thinks for
// long; worker 1 asks for the lock's line after `ask_ns`. Lines move in
// 100 ns; worker 0's first comes from memory in 90, after its RMW's 8 ns
// fence.
traces::WorkloadTrace holder_then_asker(unsigned reads, std::uint64_t ask_ns) {
  using O = traces::OpKind;
  std::vector<traces::Op> holder, asker;
  for (unsigned i = 0; i < reads; ++i) holder.insert(holder.end(), {{O::read_acquire}, {O::read_release}});
  holder.push_back({O::think, 5000});
  asker.insert(asker.end(), {{O::think, ask_ns}, {O::read_acquire}, {O::read_release}});
  return two_workers(std::move(holder), std::move(asker));
}

// Only worker 1's wait is recorded (worker 0 takes `reads` untimed).
std::vector<std::vector<bool>> asker_only(unsigned reads) { return {std::vector<bool>(reads, false), {true}}; }

// holder_then_asker(reads, ask_ns) without a hold, with a 300 ns hold, and
// with a hold of that length for every request (the rule before).
struct ByRule {
  Figures unheld, used, fixed;
};
ByRule by_rule(unsigned reads, std::uint64_t ask_ns) {
  const traces::WorkloadTrace trace = holder_then_asker(reads, ask_ns);
  return {run(trace, "central", {.timed = asker_only(reads)}),
          run(trace, "central", {.line_hold = 300'000, .timed = asker_only(reads)}),
          run(trace, "central", {.line_hold = 300'000, .hold_while_used = false, .timed = asker_only(reads)})};
}

TEST(LineHold, ARequestThatFindsTheLineSettledIsNotHeld) {
  // Worker 0's line lands at 98 ns (a fence, then the fill) and worker 0
  // reads back to back (18 ns a read: two RMWs, each with its fence) to
  // about 200 ns; worker 1 asks at 150, inside the 300 ns hold, while worker
  // 0 still uses the line. Nobody waited for the line in flight: nothing
  // holds it, as if there were no hold.
  const auto [unheld, used, fixed] = by_rule(6, 150);
  EXPECT_EQ(used.read_wait_max, unheld.read_wait_max);
  // The ask is inside the hold: a hold for every request keeps worker 1
  // waiting for the rest of it.
  EXPECT_GT(fixed.read_wait_max, used.read_wait_max + 150);
}

TEST(LineHold, ARequestQueuedInFlightWaitsUntilTheHolderTurnsAway) {
  // Worker 1 asks at 10 ns, while the line is on its way to worker 0 (it
  // lands at 98); worker 0 reads back to back until about 200 ns, then
  // thinks, well before its 300 ns hold is over.
  const auto [unheld, used, fixed] = by_rule(6, 10);
  // Worker 1 waits for worker 0's reads (the hold), but not for the rest
  // of the hold once worker 0 thinks.
  EXPECT_GT(used.read_wait_max, unheld.read_wait_max + 30);
  EXPECT_LT(used.read_wait_max + 100, fixed.read_wait_max);
}

// Writers and readers of several designs on 4 cores, 8 workers, with
// holds of their lines: what let_go moves earlier is only ever the move
// that the hold delayed, so no two transfers of one line overlap; and the
// wake-up queue's hand-over gives the same transfers as SimGrid's rounds.
std::string transfers_of(const std::string& lock, bool hand_over) {
  return in_child([&] {
    using O = traces::OpKind;
    traces::WorkloadTrace t = saturated(8, 8, 150);
    for (unsigned w = 0; w < 8; ++w) {
      for (unsigned i = 0; i < 150; ++i) {
        traces::Op* op = &t.workers[w].ops[std::size_t{i} * 4];
        if (w < 2 && i % 5 == w) {
          op[0].kind = O::write_acquire;
          op[2].kind = O::write_release;
        }
        op[1].value = (w * 7 + i * 13) % 12;  // sections and thinks of 0-24 ns
        op[3].value = (w * 11 + i * 5) % 25;
      }
    }
    replay::ReplayOptions o;
    o.lock = lock;
    o.costs = two_speed(4, 4, 25'000, 90'000);
    o.costs.line_hold = 30'000;
    o.sim_costs.hand_over = hand_over;
    const replay::ReplayResult r = replay::replay(t, o);
    if (!r.error.empty() || r.deadlock) return "error " + r.error;
    std::vector<std::uint64_t> busy_until(r.timeline.lines.size(), 0);
    std::ostringstream s;
    for (const traces::LineTransfer& x : r.timeline.transfers) {
      if (x.kind == traces::TransferKind::invalidation) continue;
      if (x.start < busy_until[x.line]) s << "overlap on line " << x.line << " at " << x.start << "\n";
      busy_until[x.line] = std::max(busy_until[x.line], x.end);
      s << x.line << ' ' << x.start << ' ' << x.end << ' ' << x.from << ' ' << x.to << '\n';
    }
    return s.str();
  }).out;
}

TEST(LineHold, TransfersOfALineNeverOverlapAndHandOverChangesNothing) {
  for (const char* lock : {"glibc-rwlock", "pflock", "numa", "graph"}) {
    const std::string handed = transfers_of(lock, true);
    ASSERT_FALSE(handed.empty()) << lock;
    EXPECT_EQ(handed.find("overlap"), std::string::npos)
        << lock << ":\n" << handed.substr(0, handed.find("overlap") + 200);
    EXPECT_EQ(handed.find("error"), std::string::npos) << lock << ": " << handed.substr(0, 200);
    EXPECT_EQ(handed, transfers_of(lock, false)) << lock;
  }
}

TEST(Wake, AReaderWokenFromAnotherCorePaysTheWakeUp) {
  const traces::WorkloadTrace trace = writer_and_reader(2000, 20);
  const Figures instant = run(trace, "graph", {});
  const Figures slow = run(trace, "graph", {.wake = 20'000'000});  // 20 us
  // Readers that arrive during a 2 us write section sleep in the queue; a
  // 20 us wake-up shows in their longest wait, and not without it.
  EXPECT_LT(instant.read_wait_max, 20'000U);
  EXPECT_GE(slow.read_wait_max, 20'000U);
  EXPECT_LT(slow.ops_per_sec, instant.ops_per_sec);
}

// With a wake-up curve, what a sleeper pays depends on how long it slept:
// a core idle longer wakes slower (a vCPU out of halt polling, a deeper
// C-state). The reader comes 500 ns into a write section of 20 us or of
// 500 us and sleeps until its end; the curve gives 5 us at 10 us of sleep,
// 80 us at 400 us, linear between and flat beyond.
TEST(Wake, ASleeperWokenAfterALongerIdlePaysTheCurvesLongerWakeUp) {
  using O = traces::OpKind;
  auto section = [](std::uint64_t ns) {
    return two_workers({{O::write_acquire}, {O::hold, ns}, {O::write_release}},
                       {{O::think, 500}, {O::read_acquire}, {O::read_release}});
  };
  const Knobs curve{.wake = 1'000'000'000, .wake_idle = {10'000'000, 400'000'000},
                    .wake_after_idle = {5'000'000, 80'000'000}};
  const Figures short_sleep = run(section(20'000), "graph", curve);
  const Figures long_sleep = run(section(500'000), "graph", curve);
  // 19.5 us asleep: 5 + 9.5 / 390 x 75 = 6.8 us; `wake` (1 ms) is not used.
  EXPECT_GE(short_sleep.read_wait_max, 19'500U + 6'500U);
  EXPECT_LT(short_sleep.read_wait_max, 19'500U + 9'000U);
  // 499.5 us asleep, past the last point: 80 us.
  EXPECT_GE(long_sleep.read_wait_max, 499'500U + 80'000U);
  EXPECT_LT(long_sleep.read_wait_max, 499'500U + 83'000U);
  // Without a curve both pay `wake`.
  const Figures flat = run(section(500'000), "graph", {.wake = 5'000'000});
  EXPECT_LT(flat.read_wait_max, 499'500U + 8'000U);
}

TEST(Wake, AWriterKickedWhilePollingPaysNoWakeUp) {
  // The reader holds the lock for 20 us; the writer comes 5 us in and waits
  // (AIO_WAIT_WHILE) until the reader's unlock kicks it, 15 us later.
  using O = traces::OpKind;
  const traces::WorkloadTrace t = two_workers({{O::think, 5000}, {O::write_acquire}, {O::hold, 10}, {O::write_release}},
                                              {{O::read_acquire}, {O::hold, 20000}, {O::read_release}});
  // Polling for 100 us, it sees the kick at once; without polling it sleeps
  // and comes back a 50 us wake-up after the kick.
  const Figures polling = run(t, "graph", {.wake = 50'000'000, .spin = 100'000'000});
  const Figures sleeping = run(t, "graph", {.wake = 50'000'000});
  EXPECT_GT(polling.write_wait_max, 14'000U);
  EXPECT_LT(polling.write_wait_max, 20'000U);
  EXPECT_GE(sleeping.write_wait_max, 65'000U);
}

TEST(Wake, AKickWhileTheWriterPollsCostsTheKickerASystemCall) {
  // As above, but what the reader pays: libstdc++'s notify_all makes the
  // FUTEX_WAKE system call whenever a thread is inside atomic::wait, and the
  // polling writer is. With a 30 us call the reader, which ends the run, ends
  // 30 us later; the writer, kicked, does not wait for it.
  using O = traces::OpKind;
  const traces::WorkloadTrace t = two_workers({{O::think, 5000}, {O::write_acquire}, {O::hold, 10}, {O::write_release}},
                                              {{O::read_acquire}, {O::hold, 20000}, {O::read_release}});
  const Figures free_call = run(t, "graph", {.spin = 100'000'000});
  const Figures dear_call = run(t, "graph", {.spin = 100'000'000, .syscall = 30'000'000});
  EXPECT_GT(free_call.ops_per_sec, 2 / 25e-6);  // the reader's 20 us and a little
  EXPECT_LT(dear_call.ops_per_sec, 2 / 45e-6);
  EXPECT_LT(dear_call.write_wait_max, 20'000U) << "the writer goes on while the reader is in the call";
  // Nobody polls or sleeps: a kick is a fence and a load, no call.
  const traces::WorkloadTrace alone = two_workers({{O::think, 30000}, {O::write_acquire}, {O::write_release}},
                                                  {{O::read_acquire}, {O::hold, 20000}, {O::read_release}});
  EXPECT_GT(run(alone, "graph", {.syscall = 30'000'000}).ops_per_sec, 2 / 35e-6);
}

TEST(Wake, TheWakerPaysForWakingASleeperOnAnotherCore) {
  // The reader comes during a 2 us write section and sleeps in the queue;
  // the writer's unlock wakes it, which costs the writer a 20 us system call
  // before its second, short write.
  using O = traces::OpKind;
  const traces::WorkloadTrace t =
      two_workers({{O::write_acquire}, {O::hold, 2000}, {O::write_release}, {O::think, 10}, {O::write_acquire},
                   {O::hold, 10}, {O::write_release}},
                  {{O::think, 500}, {O::read_acquire}, {O::read_release}});
  const Figures free_call = run(t, "graph", {});
  const Figures dear_call = run(t, "graph", {.wake_call = 20'000'000});
  // 3 operations: about 2.5 us without the call, over 22 us with it.
  EXPECT_GT(free_call.ops_per_sec, 3 / 10e-6);
  EXPECT_LT(dear_call.ops_per_sec, 3 / 20e-6);
}

TEST(Wake, AMutexFreedWhileEnteringTheKernelIsTakenWithoutSleeping) {
  // Two writers: the first holds the lock for 200 ns, the second asks 100
  // ns in and blocks on the writer mutex. With a 1 us futex call it is still
  // on its way into the kernel when the mutex is freed, and takes it without
  // a 50 us wake-up; with an instant call it sleeps first.
  using O = traces::OpKind;
  const traces::WorkloadTrace t =
      two_workers({{O::write_acquire}, {O::hold, 200}, {O::write_release}},
                  {{O::think, 100}, {O::write_acquire}, {O::hold, 10}, {O::write_release}});
  const Figures entering = run(t, "graph", {.wake = 50'000'000, .syscall = 1'000'000});
  const Figures instant = run(t, "graph", {.wake = 50'000'000});
  EXPECT_LT(entering.write_wait_max, 5'000U);
  EXPECT_GE(instant.write_wait_max, 50'000U);
}

TEST(Wake, AThreadBackFromTheKernelCompetesAfreshForTheMutex) {
  // glibc's lll_lock_wait: futex_wait returns at once when the word changed
  // (EAGAIN), and the thread takes the mutex with another exchange in user
  // space, back from the kernel. Writer 1 asks 100 ns into writer 0's 200 ns
  // section and enters a 1 us futex call; the word is free when the kernel
  // looks (600 ns), so the call returns, at 1,100 ns. Writer 2 asks at 800
  // ns, while writer 1 is still on its way back, and takes the mutex
  // (barging) for 5 us: writer 1 finds it held and waits for all of it. A
  // model that gave writer 1 the mutex in the kernel makes writer 2 wait
  // instead, about a microsecond, and nobody waits 5. (Writer 0 cannot be
  // the one that barges: its unlock of the word writer 1 marked makes a
  // futex_wake call as long as writer 1's.)
  using O = traces::OpKind;
  traces::WorkloadTrace t = two_workers({{O::write_acquire}, {O::hold, 200}, {O::write_release}},
                                        {{O::think, 100}, {O::write_acquire}, {O::hold, 10}, {O::write_release}});
  traces::WorkerPlan barger;
  barger.initial_context = 2;
  barger.ops = {{O::think, 800}, {O::write_acquire}, {O::hold, 5000}, {O::write_release}};
  t.workers.push_back(std::move(barger));
  t.initial_contexts = 3;
  EXPECT_GE(run(t, "graph", {.syscall = 1'000'000, .cores = 3}).write_wait_max, 5'000U);
}

}  // namespace
}  // namespace lockscope::engine::sim
