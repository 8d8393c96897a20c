// The system calls the simulated mutex and wait queue charge when nobody
// sleeps, as glibc makes them: an unlock of a word marked 2 (by a locker
// that found it held, or by a condition variable's waiter taking it back)
// calls futex_wake, and a broadcast calls it for a waiter that is counted
// in but not asleep yet. docs/fidelity.md, eleventh round: these calls are
// most of a real reader's wait for a writer.
#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>

#include <sstream>
#include <string>

#include "engine/sim/sim_session.hpp"
#include "engine/sim/sim_sync.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::sim {
namespace {

using lockscope::testing::in_child;
using testing::two_speed;

constexpr Picos kSyscall = 1'000'000;  // 1 us: the futex_wait enters for 500 ns

SimCosts costs() {
  SimCosts c;
  c.fence = 0;
  c.syscall = kSyscall;
  c.wake = 20'000'000;
  c.wake_call = 0;  // a wake costs only its system call: the calls with nobody asleep show
  return c;
}

// How long `op` took the calling worker.
template <class Op>
Picos timed(SimWorld& world, Op op) {
  world.sync();
  const Picos start = SimWorld::clock();
  op();
  world.sync();
  return SimWorld::clock() - start;
}

// Runs main (worker 0, core 0) and `other` (worker 1, core 1) and returns
// what main printed, or "unfinished".
template <class Main, class Other>
std::string two_workers(Main main, Other other) {
  return in_child([&] {
    std::ostringstream s;
    const SimulationEnd end = run_simulation(two_speed(2, 2, 100'000, 100'000), costs(),
                                             [&](SimWorld& world, const SimHosts& hosts) {
                                               SimWorker w1;
                                               w1.id = 1;
                                               w1.core = 1;
                                               simgrid::s4u::ActorPtr actor =
                                                   spawn_worker(hosts, w1, [&] { other(world); });
                                               main(world, s);
                                               actor->join();
                                             });
    return end.main_finished ? s.str() : std::string("unfinished");
  }).out;
}

Picos parse(const std::string& out) {
  std::istringstream in(out);
  Picos p = 0;
  if (!(in >> p)) ADD_FAILURE() << "child said: " << out;
  return p;
}

void sleep_until_ps(Picos at) { simgrid::s4u::this_actor::sleep_until(to_seconds(at)); }

TEST(SimMutexWord, AnUncontendedUnlockMakesNoSystemCall) {
  const Picos unlock = parse(two_workers(
      [](SimWorld& world, std::ostringstream& s) {
        SimMutex m;
        m.lock();
        s << timed(world, [&] { m.unlock(); });
      },
      [](SimWorld&) {}));
  EXPECT_LT(unlock, kSyscall / 2);
}

struct Shared {
  SimMutex* m = nullptr;
  SimWaitQueue* q = nullptr;
  Picos measured = 0;
};

TEST(SimMutexWord, ATryLockLeavesTheWordUnmarked) {
  const Picos unlock = parse(two_workers(
      [](SimWorld& world, std::ostringstream& s) {
        SimMutex m;
        if (!m.try_lock()) s << "try_lock failed ";
        s << timed(world, [&] { m.unlock(); });
      },
      [](SimWorld&) {}));
  EXPECT_LT(unlock, kSyscall / 2);
}

// Worker 0 holds the mutex until 200 ns; worker 1 asks at 100 ns, marks the
// word and enters futex_wait, which the release at 200 ns (before the
// kernel's check at 600 ns) makes return at once: nobody ever sleeps.
TEST(SimMutexWord, TheLockerThatWaitedPaysAFutexWakeOnUnlock) {
  Shared sh;
  const std::string out = in_child([&] {
    std::ostringstream s;
    const SimulationEnd end = run_simulation(
        two_speed(2, 2, 100'000, 100'000), costs(), [&](SimWorld& world, const SimHosts& hosts) {
          SimMutex m;
          sh.m = &m;
          m.lock();
          SimWorker w1;
          w1.id = 1;
          w1.core = 1;
          simgrid::s4u::ActorPtr actor = spawn_worker(hosts, w1, [&] {
            sleep_until_ps(100'000);
            sh.m->lock();  // held: marks the word, futex_wait returns at once
            sh.measured = timed(world, [&] { sh.m->unlock(); });
          });
          sleep_until_ps(200'000);
          const Picos first = timed(world, [&] { m.unlock(); });  // marked by the waiter
          actor->join();
          s << first << ' ' << sh.measured;
        });
    return end.main_finished ? s.str() : std::string("unfinished");
  }).out;
  std::istringstream in(out);
  Picos holder_unlock = 0;
  Picos waiter_unlock = 0;
  ASSERT_TRUE(in >> holder_unlock >> waiter_unlock) << "child said: " << out;
  // The holder's unlock found the word marked: one futex_wake call.
  EXPECT_GE(holder_unlock, kSyscall);
  // The waiter took the mutex by exchange(2) and keeps the mark: its unlock
  // calls futex_wake too, though nobody sleeps.
  EXPECT_GE(waiter_unlock, kSyscall);
}

// Worker 0 waits on the queue; worker 1 notifies `at` after wait() began.
// Returns what the notify cost worker 1, and what worker 0's unlock after
// wait() returned cost it.
std::pair<Picos, Picos> notify_costs(Picos at) {
  Shared sh;
  const std::string out = in_child([&] {
    std::ostringstream s;
    const SimulationEnd end = run_simulation(
        two_speed(2, 2, 100'000, 100'000), costs(), [&](SimWorld& world, const SimHosts& hosts) {
          SimMutex m;
          SimWaitQueue q;
          sh.q = &q;
          m.lock();
          world.sync();
          const Picos entered = SimWorld::clock();
          SimWorker w1;
          w1.id = 1;
          w1.core = 1;
          simgrid::s4u::ActorPtr actor = spawn_worker(hosts, w1, [&] {
            sleep_until_ps(entered + at);
            sh.measured = timed(world, [&] { sh.q->notify_all(); });
          });
          q.wait(m);
          const Picos unlock = timed(world, [&] { m.unlock(); });
          actor->join();
          s << sh.measured << ' ' << unlock;
        });
    return end.main_finished ? s.str() : std::string("unfinished");
  }).out;
  std::istringstream in(out);
  std::pair<Picos, Picos> r;
  if (!(in >> r.first >> r.second)) ADD_FAILURE() << "child said: " << out;
  return r;
}

TEST(SimWaitQueueCalls, ANotifyToAWaiterStillEnteringCallsFutexWake) {
  // 200 ns in, the waiter's futex_wait is still entering the kernel: not
  // asleep, but counted in, so the broadcast makes its system call.
  const auto [notify, unlock] = notify_costs(200'000);
  EXPECT_GE(notify, kSyscall);
  // The waiter took the mutex back with lll_cond_lock, which marks it.
  EXPECT_GE(unlock, kSyscall);
}

// Worker 0 waits on the queue twice; worker 1 notifies each wait 200 ns
// in. The first wait takes the mutex back marked, so the second one's
// release pays a futex_wake call (1 us) on the way in; the notify comes
// during that call, and the waiter sees it in user space afterwards, with
// no futex_wait: back after the call, not a way back later. Returns how
// long the second wait took.
Picos second_wait_with_notify_during_its_unlock() {
  Shared sh;
  const std::string out = in_child([&] {
    std::ostringstream s;
    const SimulationEnd end = run_simulation(
        two_speed(2, 2, 100'000, 100'000), costs(), [&](SimWorld& world, const SimHosts& hosts) {
          SimMutex m;
          SimWaitQueue q;
          sh.q = &q;
          Picos entered[2] = {0, 0};
          SimWorker w1;
          w1.id = 1;
          w1.core = 1;
          simgrid::s4u::ActorPtr actor = spawn_worker(hosts, w1, [&] {
            for (const Picos& at : entered) {
              while (at == 0) sleep_until_ps(SimWorld::clock() + 10'000);
              sleep_until_ps(at + 200'000);
              sh.q->notify_all();
            }
          });
          m.lock();
          for (Picos& at : entered) {
            world.sync();
            at = SimWorld::clock();
            q.wait(m);
          }
          world.sync();
          s << SimWorld::clock() - entered[1];
          m.unlock();
          actor->join();
        });
    return end.main_finished ? s.str() : std::string("unfinished");
  }).out;
  return parse(out);
}

TEST(SimWaitQueueCalls, AWaitOnAMarkedMutexPaysItsUnlockOnTheWayIn) {
  const Picos took = second_wait_with_notify_during_its_unlock();
  EXPECT_GE(took, kSyscall);  // the unlock's futex_wake
  EXPECT_LT(took, kSyscall + kSyscall / 2);  // and no way back from a futex_wait
}

TEST(SimWaitQueueCalls, ANotifyWithNobodyInsideMakesNoCall) {
  // glibc's broadcast returns at once when no waiter is counted in.
  const Picos free_notify = parse(two_workers(
      [](SimWorld& world, std::ostringstream& s) {
        SimWaitQueue q;
        s << timed(world, [&] { q.notify_all(); });
      },
      [](SimWorld&) {}));
  EXPECT_LT(free_notify, kSyscall / 2);
}

}  // namespace
}  // namespace lockscope::engine::sim
