// SimWorld::clock() keeps SimGrid's clock in picoseconds, converted when
// SimGrid moves it (on_time_advance) rather than at each read. It must be
// the same value at every point a worker can observe: after a sleep, after
// a timed-out wait, after a wake by another actor, after a sync of lazy time.
#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Semaphore.hpp>

#include <cmath>
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

struct Checks {
  unsigned seen = 0;
  unsigned wrong = 0;
  std::string first_wrong;

  void check(const char* where) {
    const auto simgrid = static_cast<Picos>(std::llround(simgrid::s4u::Engine::get_clock() * 1e12));
    ++seen;
    if (SimWorld::clock() != simgrid && wrong++ == 0) {
      first_wrong = std::string(where) + ": clock() " + std::to_string(SimWorld::clock()) + " SimGrid " +
                    std::to_string(simgrid);
    }
  }
};

TEST(SimClock, EqualsSimGridsClockAfterEveryKindOfWait) {
  const std::string out = in_child([] {
    Checks c;
    run_simulation(two_speed(4, 2, 50'000, 120'000), SimCosts{}, [&](SimWorld& world, const SimHosts& hosts) {
      c.check("start");
      auto go = simgrid::s4u::Semaphore::create(0);
      std::vector<SimWorker> workers(3);
      std::vector<simgrid::s4u::ActorPtr> actors;
      for (unsigned w = 0; w < workers.size(); ++w) {
        workers[w].id = w + 1;
        workers[w].core = w + 1;
        actors.push_back(spawn_worker(hosts, workers[w], [&, w] {
          for (unsigned i = 0; i < 40; ++i) {
            // Odd, different durations: the clock lands on picoseconds
            // that a conversion per read and one per move must agree on.
            simgrid::s4u::this_actor::sleep_for(to_seconds(1'237 + 7'919 * (w + 1) * (i % 5)));
            c.check("sleep_for");
            SimWorld::current().charge(3'001 * (w + 1));
            SimWorld::current().sync();
            c.check("sync");
            if (w == 0 && i % 3 == 0) go->release();
            if (w == 1 && i % 4 == 0) {
              (void)go->acquire_timeout(to_seconds(90'001));
              c.check("acquire_timeout");
            }
          }
        }));
      }
      world.charge(123'457);
      world.sync();
      c.check("main sync");
      for (auto& a : actors) a->join();
      c.check("joined");
    });
    std::ostringstream s;
    s << c.seen << ' ' << c.wrong << ' ' << c.first_wrong;
    return s.str();
  }).out;
  std::istringstream in(out);
  unsigned seen = 0;
  unsigned wrong = 0;
  ASSERT_TRUE(in >> seen >> wrong) << "child said: " << out;
  EXPECT_GT(seen, 200U);
  EXPECT_EQ(wrong, 0U) << out;
}

}  // namespace
}  // namespace lockscope::engine::sim
