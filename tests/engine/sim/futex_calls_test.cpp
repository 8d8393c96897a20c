// The system calls the simulated mutex and wait queue charge when nobody
// sleeps, as glibc makes them: an unlock of a word marked 2 (by a locker
// that found it held, or by a condition variable's waiter taking it back)
// calls futex_wake, and a broadcast calls it for a waiter that is counted
// in but not asleep yet. docs/fidelity.md, eleventh round: these calls are
// most of a real reader's wait for a writer.
#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>

#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

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

// Starts worker 1 on core 1 with a body; the caller joins it.
using OnCore1 = std::function<simgrid::s4u::ActorPtr(std::function<void()>)>;

// Runs `main` as worker 0 (core 0) of a two-core machine, in a child
// process, and returns what it printed, or "unfinished".
std::string simulate(const std::function<void(SimWorld&, std::ostringstream&, const OnCore1&)>& main) {
  return in_child([&] {
    std::ostringstream s;
    const SimulationEnd end = run_simulation(two_speed(2, 2, 100'000, 100'000), costs(),
                                             [&](SimWorld& world, const SimHosts& hosts) {
                                               SimWorker w1;
                                               w1.id = 1;
                                               w1.core = 1;
                                               main(world, s, [&](std::function<void()> body) {
                                                 return spawn_worker(hosts, w1, std::move(body));
                                               });
                                             });
    return end.main_finished ? s.str() : std::string("unfinished");
  }).out;
}

// The first `n` figures main printed.
std::vector<Picos> parse(const std::string& out, std::size_t n = 1) {
  std::istringstream in(out);
  std::vector<Picos> figures(n, 0);
  for (Picos& p : figures) {
    if (!(in >> p)) ADD_FAILURE() << "child said: " << out;
  }
  return figures;
}

void sleep_until_ps(Picos at) { simgrid::s4u::this_actor::sleep_until(to_seconds(at)); }

TEST(SimMutexWord, AnUncontendedUnlockMakesNoSystemCall) {
  const Picos unlock = parse(simulate([](SimWorld& world, std::ostringstream& s, const OnCore1&) {
    SimMutex m;
    m.lock();
    s << timed(world, [&] { m.unlock(); });
  }))[0];
  EXPECT_LT(unlock, kSyscall / 2);
}

TEST(SimMutexWord, ATryLockLeavesTheWordUnmarked) {
  const Picos unlock = parse(simulate([](SimWorld& world, std::ostringstream& s, const OnCore1&) {
    SimMutex m;
    if (!m.try_lock()) s << "try_lock failed ";
    s << timed(world, [&] { m.unlock(); });
  }))[0];
  EXPECT_LT(unlock, kSyscall / 2);
}

// Worker 0 holds the mutex until 200 ns; worker 1 asks at 100 ns, marks the
// word and enters futex_wait, which the release at 200 ns (before the
// kernel's check at 600 ns) makes return at once: nobody ever sleeps.
TEST(SimMutexWord, TheLockerThatWaitedPaysAFutexWakeOnUnlock) {
  const std::vector<Picos> unlocks =
      parse(simulate([](SimWorld& world, std::ostringstream& s, const OnCore1& on_core1) {
              SimMutex m;
              m.lock();
              Picos waiter_unlock = 0;
              simgrid::s4u::ActorPtr actor = on_core1([&] {
                sleep_until_ps(100'000);
                m.lock();  // held: marks the word, futex_wait returns at once
                waiter_unlock = timed(world, [&] { m.unlock(); });
              });
              sleep_until_ps(200'000);
              const Picos holder_unlock = timed(world, [&] { m.unlock(); });  // marked by the waiter
              actor->join();
              s << holder_unlock << ' ' << waiter_unlock;
            }),
            2);
  // The holder's unlock found the word marked: one futex_wake call.
  EXPECT_GE(unlocks[0], kSyscall);
  // The waiter took the mutex by exchange(2) and keeps the mark: its unlock
  // calls futex_wake too, though nobody sleeps.
  EXPECT_GE(unlocks[1], kSyscall);
}

// Worker 0 waits on the queue `waits` times; worker 1 notifies each wait
// `at` after it began. Prints what the last notify cost worker 1, how long
// the last wait took worker 0, and what its unlock after it cost.
std::vector<Picos> waits_notified(unsigned waits, Picos at) {
  return parse(simulate([&](SimWorld& world, std::ostringstream& s, const OnCore1& on_core1) {
                 SimMutex m;
                 SimWaitQueue q;
                 constexpr Picos kNotYet = std::numeric_limits<Picos>::max();
                 std::vector<Picos> entered(waits, kNotYet);
                 Picos notify = 0;
                 simgrid::s4u::ActorPtr actor = on_core1([&] {
                   for (const Picos& began : entered) {
                     while (began == kNotYet) sleep_until_ps(SimWorld::clock() + 10'000);
                     sleep_until_ps(began + at);
                     notify = timed(world, [&] { q.notify_all(); });
                   }
                 });
                 m.lock();
                 for (Picos& began : entered) {
                   world.sync();
                   began = SimWorld::clock();
                   q.wait(m);
                 }
                 world.sync();
                 const Picos took = SimWorld::clock() - entered.back();
                 const Picos unlock = timed(world, [&] { m.unlock(); });
                 actor->join();
                 s << notify << ' ' << took << ' ' << unlock;
               }),
               3);
}

TEST(SimWaitQueueCalls, ANotifyToAWaiterStillEnteringCallsFutexWake) {
  // 200 ns in, the waiter's futex_wait is still entering the kernel: not
  // asleep, but counted in, so the broadcast makes its system call.
  const std::vector<Picos> r = waits_notified(1, 200'000);
  EXPECT_GE(r[0], kSyscall);
  // The waiter took the mutex back with lll_cond_lock, which marks it.
  EXPECT_GE(r[2], kSyscall);
}

// The first wait takes the mutex back marked, so the second one's release
// pays a futex_wake call (1 us) on the way in; the notify comes 200 ns in,
// during that call, and the waiter sees it in user space afterwards, with
// no futex_wait: back after the call, not a way back later.
TEST(SimWaitQueueCalls, AWaitOnAMarkedMutexPaysItsUnlockOnTheWayIn) {
  const Picos took = waits_notified(2, 200'000)[1];
  EXPECT_GE(took, kSyscall);  // the unlock's futex_wake
  EXPECT_LT(took, kSyscall + kSyscall / 2);  // and no way back from a futex_wait
}

TEST(SimWaitQueueCalls, ANotifyWithNobodyInsideMakesNoCall) {
  // glibc's broadcast returns at once when no waiter is counted in.
  const Picos free_notify = parse(simulate([](SimWorld& world, std::ostringstream& s, const OnCore1&) {
    SimWaitQueue q;
    s << timed(world, [&] { q.notify_all(); });
  }))[0];
  EXPECT_LT(free_notify, kSyscall / 2);
}

}  // namespace
}  // namespace lockscope::engine::sim
