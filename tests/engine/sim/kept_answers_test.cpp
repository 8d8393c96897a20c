// SimWorld::self() and SimWorld::clock() keep what SimGrid would answer
// rather than ask it each time.
//
// SimWorld::clock() keeps SimGrid's clock in picoseconds, converted when
// SimGrid moves it (on_time_advance) rather than at each read, and moved
// ahead of it by the wake-up queue's hand-overs (wake_queue.hpp). At every
// point a worker can observe it must be exact: a sleep ends at its date, a
// sync at the worker's own time, a timed wait by its deadline; and never
// behind SimGrid's.
#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Semaphore.hpp>

#include <cmath>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/sim/sim_session.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::sim {
namespace {

using lockscope::testing::in_child;
using testing::two_speed;

// What a child counted and wrote first: checks made, and how many were wrong.
struct Tally {
  unsigned seen = 0;
  unsigned wrong = 0;
};

std::optional<Tally> read_tally(const std::string& out) {
  std::istringstream in(out);
  Tally t;
  if (!(in >> t.seen >> t.wrong)) return std::nullopt;
  return t;
}

// Calls `at_bottom` `depth` frames further down the stack, as a lock's code
// would ask from inside its calls. Not inlined, not a tail call (the pad is
// written after it): each level is a frame.
[[gnu::noinline]] void from_below(int depth, const std::function<void()>& at_bottom) {
  volatile char pad[256] = {};
  if (depth == 0) {
    at_bottom();
  } else {
    from_below(depth - 1, at_bottom);
  }
  pad[1] = static_cast<char>(pad[0] + 1);
}

struct Checks {
  unsigned seen = 0;
  unsigned wrong = 0;
  std::string first_wrong;

  unsigned ahead = 0;  // checks that found SimGrid's clock behind (after a hand-over)

  // clock() is `want` (when given), and not behind SimGrid's clock.
  void check(const char* where, std::optional<Picos> want = std::nullopt) {
    const auto simgrid = static_cast<Picos>(std::llround(simgrid::s4u::Engine::get_clock() * 1e12));
    ++seen;
    const Picos now = SimWorld::clock();
    if (now > simgrid) ++ahead;
    if ((now < simgrid || (want && now != *want)) && wrong++ == 0) {
      first_wrong = std::string(where) + ": clock() " + std::to_string(now) + " SimGrid " + std::to_string(simgrid) +
                    (want ? " wanted " + std::to_string(*want) : std::string());
    }
  }
};

TEST(SimClock, IsExactAndNeverBehindSimGridsAfterEveryKindOfWait) {
  const std::string out = in_child([] {
    Checks c;
    // Outlive main, which ends first.
    std::vector<SimWorker> workers(3);
    simgrid::s4u::SemaphorePtr go;
    run_simulation(two_speed(4, 2, 50'000, 120'000), SimCosts{}, [&](SimWorld& world, const SimHosts& hosts) {
      c.check("start");
      go = simgrid::s4u::Semaphore::create(0);
      for (unsigned w = 0; w < workers.size(); ++w) {
        workers[w].id = w + 1;
        workers[w].core = w + 1;
        spawn_worker(hosts, workers[w], [&, w] {
          for (unsigned i = 0; i < 40; ++i) {
            // Odd, different durations: the clock lands on picoseconds
            // that a conversion per read and one per move must agree on.
            // Every other one a SimGrid sleep, until a date (SimGrid's
            // clock may lag: a duration would run from it); the others
            // lockscope's own wait, which may be handed over.
            const Picos length = 1'237 + 7'919 * (w + 1) * (i % 5);
            const Picos wake = SimWorld::clock() + length;
            if (i % 2 == 0) {
              simgrid::s4u::this_actor::sleep_until(to_seconds(wake));
            } else {
              SimWorld::current().charge(length);
              SimWorld::current().sync();
            }
            c.check(i % 2 == 0 ? "sleep_until" : "charged sleep", wake);
            const Picos own = SimWorld::clock() + 3'001 * (w + 1);
            SimWorld::current().charge(3'001 * (w + 1));
            SimWorld::current().sync();
            c.check("sync", own);
            if (w == 0 && i % 3 == 0) go->release();
            if (w == 1 && i % 4 == 0) {
              const Picos deadline = SimWorld::clock() + 90'001;
              (void)go->acquire_timeout(to_seconds(deadline) - simgrid::s4u::Engine::get_clock());
              c.check("acquire_timeout");
              if (SimWorld::clock() > deadline) c.check("acquire_timeout past its deadline", deadline);
            }
          }
        });
      }
      world.charge(123'457);
      world.sync();
      c.check("main sync", 123'457);
      // Main ends here (as a replay's does): a worker that parks while the
      // others are parked, or blocked on nothing SimGrid times, hands over.
    });
    std::ostringstream s;
    s << c.seen << ' ' << c.wrong << ' ' << c.ahead << ' ' << c.first_wrong;
    return s.str();
  }).out;
  const auto tally = read_tally(out);
  ASSERT_TRUE(tally) << "child said: " << out;
  EXPECT_GT(tally->seen, 200U);
  EXPECT_EQ(tally->wrong, 0U) << out;
  unsigned ahead = 0;
  std::istringstream(out) >> ahead >> ahead >> ahead;
  EXPECT_GT(ahead, 10U) << "no check ran with SimGrid's clock behind: the hand-overs were not exercised; " << out;
}

// SimWorld::self() keeps its last answer with the actor's stack. Workers
// that end while others start (SimGrid may give a new actor an old stack),
// switch at sleeps, semaphores and syncs, and nest calls deeper than one
// frame must each still find themselves.
TEST(SimSelf, EveryWorkerFindsItselfWhileActorsComeAndGo) {
  const std::string out = in_child([] {
    unsigned seen = 0;
    unsigned wrong = 0;
    run_simulation(two_speed(4, 2, 50'000, 120'000), SimCosts{}, [&](SimWorld& world, const SimHosts& hosts) {
      auto baton = simgrid::s4u::Semaphore::create(1);
      std::vector<SimWorker> workers(24);
      std::vector<simgrid::s4u::ActorPtr> wave;
      auto check = [&](unsigned id) {
        ++seen;
        if (SimWorld::current().self().id != id) ++wrong;
      };
      for (unsigned w = 0; w < workers.size(); ++w) {
        workers[w].id = 100 + w;
        workers[w].core = 1 + w % 3;
        wave.push_back(spawn_worker(hosts, workers[w], [&, w] {
          const unsigned id = 100 + w;
          for (unsigned i = 0; i < 10 + w % 4; ++i) {
            check(id);
            simgrid::s4u::this_actor::sleep_for(to_seconds(1'000 + 333 * w));
            check(id);
            baton->acquire();
            from_below(static_cast<int>(i % 6), [&] { check(id); });
            baton->release();
            SimWorld::current().charge(250'000);  // past the quantum: a sync
            check(id);
          }
        }));
        // Each third worker, wait for the wave: the next ones start on
        // stacks the ended ones may have left.
        if (w % 3 == 2) {
          for (auto& a : wave) a->join();
          wave.clear();
          check(0);
        }
      }
      for (auto& a : wave) a->join();
      world.sync();
      check(0);
    });
    std::ostringstream s;
    s << seen << ' ' << wrong;
    return s.str();
  }).out;
  const auto tally = read_tally(out);
  ASSERT_TRUE(tally) << "child said: " << out;
  EXPECT_GT(tally->seen, 700U);
  EXPECT_EQ(tally->wrong, 0U);
}

// An actor that is no worker still cannot use a lock, even when it runs on
// the stack of a worker that has ended (the kept answer is forgotten when
// an actor ends): the simulator stops with its message, every time.
TEST(SimSelf, AnActorThatIsNoWorkerIsStoppedEvenOnAnEndedWorkersStack) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    const lockscope::testing::ChildResult r = in_child([] {
      run_simulation(two_speed(2, 2, 50'000, 50'000), SimCosts{}, [&](SimWorld& /*world*/, const SimHosts& hosts) {
        SimWorker worker;
        worker.id = 7;
        worker.core = 1;
        auto ask = [] { (void)SimWorld::current().self(); };
        spawn_worker(hosts, worker, [&] { from_below(4, ask); })->join();
        // A round later the ended actor's stack is freed, and the next
        // actor created gets it (SimGrid 3.32 on Linux: the same address).
        simgrid::s4u::this_actor::sleep_for(1e-9);
        // From a few frames down, as a lock's code would ask.
        simgrid::s4u::Actor::create("stranger", hosts[1], [&] { from_below(4, ask); })->join();
      });
      return std::string("no stop");
    });
    EXPECT_NE(r.status, 0) << r.out;
    EXPECT_EQ(r.out.find("no stop"), std::string::npos);
  }
}

}  // namespace
}  // namespace lockscope::engine::sim
