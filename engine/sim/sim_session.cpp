#include "engine/sim/sim_session.hpp"

#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

namespace lockscope::engine::sim {
namespace {

// SimGrid's engine takes argv-style options: picosecond precision (the
// default 1e-9 s would round a 1-cycle access away), no log chatter, and
// raw contexts (the fastest actor switch).
simgrid::s4u::Engine& make_engine() {
  static int argc = 4;
  static char arg0[] = "lockscope";
  static char arg1[] = "--cfg=surf/precision:1e-13";
  static char arg2[] = "--log=root.thres:critical";
  static char arg3[] = "--cfg=contexts/factory:raw";
  static char* argv[] = {arg0, arg1, arg2, arg3, nullptr};
  // Never destroyed: a run that ended deadlocked leaves its actors blocked
  // (below), and tearing the engine down at exit would kill them then.
  static auto* engine = new simgrid::s4u::Engine(&argc, argv);
  return *engine;
}

// Thrown out of the engine when no actor can run any more. SimGrid would
// otherwise kill every blocked actor by throwing its kill exception on the
// actor's own stack and unwinding it: destructors of the lock code then run
// in actors that can never be scheduled again (a simcall from a dying actor
// hangs with thread contexts), and AddressSanitizer, which does not see
// SimGrid's stack switches, reports that unwind as a stack overflow. Leaving
// the blocked actors as they are costs nothing: a process runs one
// simulation, and the caller reads the world, never the actors.
struct DeadlockStop {};

// One host per core (SimGrid has no core pinning; a host per core is its
// documented way to model one), and no network: cores talk only through
// the coherence model.
SimHosts make_cores(unsigned cores) {
  auto* zone = simgrid::s4u::create_full_zone("machine");
  SimHosts hosts;
  hosts.reserve(cores);
  for (unsigned c = 0; c < cores; ++c) hosts.push_back(zone->create_host("core" + std::to_string(c), 1e9));
  zone->seal();
  return hosts;
}

}  // namespace

unsigned max_sim_workers() {
  // Mappings left for everything else: the binary, its libraries, the heap
  // arenas, the trace and the timeline's buffers.
  constexpr unsigned long kReserved = 4096;
  unsigned long maps = 65530;  // the kernel's default, if /proc cannot say
  if (std::FILE* f = std::fopen("/proc/sys/vm/max_map_count", "r")) {
    unsigned long v = 0;
    if (std::fscanf(f, "%lu", &v) == 1) maps = v;
    std::fclose(f);
  }
  return maps > 2 * kReserved ? static_cast<unsigned>(std::min<unsigned long>((maps - kReserved) / 2, 1U << 30)) : kReserved;
}

SimulationEnd run_simulation(const coherence::CostModel& costs, const SimCosts& sim_costs, const SimMain& main,
                             unsigned main_id, const SimAfter& after) {
  simgrid::s4u::Engine& engine = make_engine();
  const SimHosts hosts = make_cores(costs.cores);
  SimWorld world(costs, sim_costs);
  SimulationEnd end;
  simgrid::s4u::Actor::create("main", hosts[0], [&] {
    SimWorker self;  // core 0, context 0
    self.id = main_id;
    world.attach(self);
    main(world, hosts);
    world.finish_worker();
    world.sync();
    end.main_finished = true;
  });
  world.set_running(true);
  simgrid::s4u::Engine::on_deadlock_cb([] { throw DeadlockStop{}; });
  try {
    engine.run();
  } catch (const DeadlockStop&) {
    // end.main_finished stays false: the caller reports the blocked workers
  }
  world.set_running(false);
  end.end_time = SimWorld::clock();
  if (after) after(world);
  return end;
}

simgrid::s4u::ActorPtr spawn_worker(const SimHosts& hosts, SimWorker& worker, std::function<void()> body) {
  SimWorld& world = SimWorld::current();
  world.sync();  // creating an actor is a simcall: the caller's lazy time first
  return simgrid::s4u::Actor::create("worker" + std::to_string(worker.id), hosts.at(worker.core),
                                     [&world, &worker, body = std::move(body)] {
                                       world.attach(worker);
                                       body();
                                       world.finish_worker();
                                       world.sync();
                                     });
}

}  // namespace lockscope::engine::sim
