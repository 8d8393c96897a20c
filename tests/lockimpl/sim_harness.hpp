// Harness<SimPlatform>: the lock suites on the simulated multicore.
//
// A test's workers are SimGrid actors, each attached to the SimWorld as a
// worker of its own (id 1, 2, ... on core id mod cores) in the context the
// test gave it; the test's own body is the main actor (worker 0, core 0).
// Waiting is in simulated time: give_others_a_chance() sleeps 20 µs of it,
// wait_until() polls every 100 ns of it, Counter and StartLine block on s4u
// condition variables. Nothing here spins without a simcall: actors run one
// at a time on one OS thread, and one that never makes a simcall never lets
// another run (the same reason plain ints are safe between actors).
//
// Each test runs in a simulation of its own, in a forked child (SimGrid
// allows one simulation per process): simulate<L>(body) forks, runs the
// simulation in the child, builds the lock inside it (a SimAtomic registers
// its line with the running SimWorld) and runs the body as the main actor.
// The child sends the test's failures back through a pipe, and the parent
// reports each at its file and line. A simulation that ends with actors
// still blocked (SimGrid's engine ran out of runnable actors: a missed
// wakeup or another deadlock) is a failure, not a hang.
#pragma once

#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Mutex.hpp>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/coherence/cost_model.hpp"
#include "engine/sim/sim_platform.hpp"
#include "engine/sim/sim_session.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/lockimpl/thread_harness.hpp"

namespace lockscope::tests {

namespace sim_harness {

using engine::coherence::Picos;
using engine::sim::SimWorld;

// The machine every simulated test runs on: 4 cores, a uniform 25 ns line
// transfer, 1 ns L1 hits, 8 ns fences. Its topology, for NUMA-aware locks:
// two sockets of two cores, each core its own last-level cache.
inline engine::coherence::CostModel small_machine() {
  engine::coherence::CostModel m;
  m.cores = 4;
  m.l1_hit = 1'000;
  m.memory = 90'000;
  m.transfer.assign(static_cast<std::size_t>(m.cores) * m.cores, 25'000);
  m.socket_of = {0, 0, 1, 1};
  m.cache_of = {0, 1, 2, 3};
  return m;
}

inline engine::sim::SimCosts small_machine_costs() {
  engine::sim::SimCosts c;
  c.fence = 8'000;
#if defined(LOCKSCOPE_LOCKIMPL_SIM_TSO)
  // lockscope_lockimpl_sim_tso_tests: the same suites with store buffers.
  c.memory_model = engine::sim::MemoryModel::tso;
#endif
  return c;
}

// The simulation the current test runs in (in the child). It watches the
// workers block and wake, to say where they are stuck after a deadlock.
struct Session final : engine::sim::BlockObserver {
  void blocked(unsigned worker, engine::sim::BlockKind kind, Picos /*at*/) override { blocked_in[worker] = kind; }
  void unblocked(unsigned worker, Picos /*at*/) override { blocked_in.erase(worker); }

  // "worker 1 in the writer wait, worker 2 in a mutex"
  [[nodiscard]] std::string where_blocked() const {
    std::string out;
    for (const auto& [worker, kind] : blocked_in) {
      if (!out.empty()) out += ", ";
      out += "worker " + std::to_string(worker) + " in ";
      switch (kind) {
        case engine::sim::BlockKind::mutex: out += "a mutex"; break;
        case engine::sim::BlockKind::wait_queue: out += "the reader queue"; break;
        case engine::sim::BlockKind::waiter: out += "the writer wait"; break;
      }
    }
    return out.empty() ? "none in the lock" : out;
  }

  std::map<unsigned, engine::sim::BlockKind> blocked_in;  // by worker id
  const engine::sim::SimHosts* hosts = nullptr;
  unsigned cores = 1;
  unsigned spawned = 0;   // workers started, the main actor not counted
  unsigned finished = 0;  // workers whose body returned
  std::map<unsigned, Picos> last_pause_end;  // by worker id: see let_others_in
};

inline Session*& current_session() {
  static Session* session = nullptr;
  return session;
}

inline Session& session() {
  Session* s = current_session();
  if (s == nullptr) {
    ADD_FAILURE() << "a simulated harness was used outside Harness<SimPlatform>::simulate";
    std::abort();
  }
  return *s;
}

// Sleeps `ps` of simulated time, after telling SimGrid about the caller's
// lazy time. Until a date, not for a duration: SimGrid's clock may lag the
// simulator's after a hand-over (engine/sim/wake_queue.hpp).
inline void sleep_ps(Picos ps) {
  SimWorld::current().sync();
  simgrid::s4u::this_actor::sleep_until(engine::sim::to_seconds(SimWorld::clock() + ps));
}

// How long a simulated test may take on the wall clock before its child is
// killed (a simulation that runs on forever without blocking: a livelock, or
// a wait_until whose condition never comes).
inline constexpr unsigned kChildSeconds = 60;

// What a simulated test's child reports: its failures, one per record,
// "file \x1f line \x1f message \x1e".
inline std::string encode_failures() {
  std::string out;
  const ::testing::TestResult* result = ::testing::UnitTest::GetInstance()->current_test_info()->result();
  for (int i = 0; i < result->total_part_count(); ++i) {
    const ::testing::TestPartResult& part = result->GetTestPartResult(i);
    if (!part.failed()) continue;
    out += part.file_name() != nullptr ? part.file_name() : "";
    out += '\x1f';
    out += std::to_string(part.line_number());
    out += '\x1f';
    out += part.message();
    out += '\x1e';
  }
  return out;
}

struct Failure {
  std::string file;
  int line = -1;
  std::string message;
};

inline std::vector<Failure> decode_failures(const std::string& in) {
  std::vector<Failure> out;
  std::size_t at = 0;
  for (std::size_t end; (end = in.find('\x1e', at)) != std::string::npos; at = end + 1) {
    const std::string record = in.substr(at, end - at);
    const std::size_t a = record.find('\x1f');
    const std::size_t b = a == std::string::npos ? a : record.find('\x1f', a + 1);
    if (b == std::string::npos) {
      out.push_back({"", -1, record});
      continue;
    }
    out.push_back({record.substr(0, a), std::stoi(record.substr(a + 1, b - a - 1)), record.substr(b + 1)});
  }
  if (at < in.size()) out.push_back({"", -1, "(truncated report) " + in.substr(at)});
  return out;
}

}  // namespace sim_harness

template <>
struct Harness<engine::sim::SimPlatform> {
  using Platform = engine::sim::SimPlatform;
  using SimWorld = engine::sim::SimWorld;
  using SimWorker = engine::sim::SimWorker;
  using Picos = engine::coherence::Picos;

  // Each test body runs through simulate(); the fixture builds no lock.
  static constexpr bool kSimulated = true;
  // A simulated miss costs a simcall's worth of wall time: the stress loops
  // run a quarter of their real-thread iterations (the suite takes ~10 s).
  static constexpr int kIterationDivisor = 4;

  // Actors started by one test, each in the context it was given; joined by
  // join_all() or on destruction.
  class Workers {
   public:
    Workers() = default;
    Workers(const Workers&) = delete;
    Workers& operator=(const Workers&) = delete;
    // A deadlock ends the simulation with its actors left blocked, never
    // unwound (run_simulation); an exception of the test's own may still
    // unwind this one, and then there is nothing to join.
    ~Workers() noexcept(false) {
      if (std::uncaught_exceptions() == 0) join_all();
    }

    template <class Body>
    void spawn(ContextId ctx, Body body) {
      sim_harness::Session& s = sim_harness::session();
      auto worker = std::make_unique<SimWorker>();
      worker->id = ++s.spawned;
      worker->core = worker->id % s.cores;
      worker->context = ctx;  // before the actor exists: it may run at once
      actors_.push_back(engine::sim::spawn_worker(*s.hosts, *worker, [&s, body = std::move(body)]() mutable {
        body();
        ++s.finished;
      }));
      workers_.push_back(std::move(worker));
    }

    void join_all() {
      if (actors_.empty()) return;
      SimWorld::current().sync();
      for (const simgrid::s4u::ActorPtr& actor : actors_) actor->join();
      actors_.clear();
      workers_.clear();
    }

   private:
    std::vector<simgrid::s4u::ActorPtr> actors_;
    std::vector<std::unique_ptr<SimWorker>> workers_;  // attached to the actors above
  };

  // A count that workers step each other through rounds with. Between two
  // simcalls an actor runs alone, so the check in wait_for_at_least and its
  // wait are one step that no add() can fall between.
  class Counter {
   public:
    void add() {
      SimWorld::current().sync();
      ++value_;
      changed_->notify_all();
    }
    void wait_for_at_least(int target) const {
      SimWorld::current().sync();
      std::unique_lock<simgrid::s4u::Mutex> held(*mutex_);
      while (value_ < target) changed_->wait(held);
    }

   private:
    int value_ = 0;
    simgrid::s4u::MutexPtr mutex_ = simgrid::s4u::Mutex::create();
    simgrid::s4u::ConditionVariablePtr changed_ = simgrid::s4u::ConditionVariable::create();
  };

  // Holds workers back until `runners` of them have arrived.
  class StartLine {
   public:
    explicit StartLine(int runners) : total_(runners) {}
    void arrive_and_wait() {
      arrived_.add();
      arrived_.wait_for_at_least(total_);
    }

   private:
    int total_;
    Counter arrived_;
  };

  static void enter(ContextId ctx) {
    SimWorld& world = SimWorld::current();
    world.sync();  // a context change can interact with other cores
    world.self().context = ctx;
  }

  // 20 µs of simulated time: hundreds of transfers' worth for the others.
  static void give_others_a_chance() { sim_harness::sleep_ps(20'000'000); }

  // Polls every 100 ns of simulated time. No deadline: a condition that never
  // comes runs the simulation on until the child's alarm.
  template <class Pred>
  static void wait_until(Pred done) {
    while (!done()) sim_harness::sleep_ps(100'000);
  }

  static void relax() { Platform::cpu_relax(); }

  // Called by a critical section of a test while it watches for intruders:
  // actors only switch at a simcall, so a section that never made one could
  // never be caught overlapping another. A pause makes one.
  static void stay_inside() { Platform::cpu_relax(); }

  // Called by a worker that loops back for the write lock at once. Nothing
  // preempts an actor: two writers that hand a writer-preferring lock to
  // each other (the next one queued before the last one leaves) would shut
  // the readers out forever; so would two that settle into taking turns
  // exactly. So a writer pauses twice as long as its last round took, plus
  // a wake-up and 1 µs: longer than another writer's turn, and long enough
  // for a reader woken from another core to come back (SimCosts::wake), which
  // leaves the readers a gap whatever a round costs (the asymmetric fence's
  // heavy barrier is 2 µs).
  static void let_others_in() {
    SimWorld& world = SimWorld::current();
    Picos& last = sim_harness::session().last_pause_end[world.self().id];
    const Picos round = last == 0 ? 0 : world.now() - last;
    sim_harness::sleep_ps(2 * round + world.costs().wake + 1'000'000);
    last = world.now();
  }

  static const char* heavy_barrier_missing_reason() { return Platform::heavy_barrier_unavailable_reason(); }

  // What a simulated run reports to the parent.
  struct Outcome {
    int status = 0;  // the child's exit status, or 128 + signal
    std::vector<sim_harness::Failure> failures;
  };

  // Runs body(lock) on a fresh L in a simulation of its own, in a forked
  // child, and returns what went wrong there.
  template <class L, class Body>
  static Outcome simulate_in_child(Body body) {
    const testing::ChildResult child = testing::in_child([&]() -> std::string {
      alarm(sim_harness::kChildSeconds);
      // The parent reports the failures: the child prints nothing of its own.
      ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());

      sim_harness::Session session;
      const engine::coherence::CostModel machine = sim_harness::small_machine();
      session.cores = machine.cores;
      const engine::sim::SimulationEnd end = engine::sim::run_simulation(
          machine, sim_harness::small_machine_costs(),
          [&](SimWorld& world, const engine::sim::SimHosts& hosts) {
            world.set_observer(&session);
            session.hosts = &hosts;
            sim_harness::current_session() = &session;
            // Deleted only after a body that returned. A deadlock stops the
            // engine with this actor blocked; the lock, with workers still
            // inside it, could not pass its destructor anyway.
            L* lock = new L();
            body(*lock);
            delete lock;
          });
      if (!end.main_finished) {
        const unsigned blocked = session.spawned - session.finished;
        ADD_FAILURE() << "simulation ended with " << blocked << " of " << session.spawned
                      << " workers blocked (" << session.where_blocked()
                      << ") and the test body waiting: missed wakeup?";
      }
      return sim_harness::encode_failures();
    });
    return {child.status, sim_harness::decode_failures(child.out)};
  }

  // Runs body(lock) on a fresh L in a simulation of its own and reports its
  // failures as the current test's.
  template <class L, class Body>
  static void simulate(Body body) {
    const Outcome outcome = simulate_in_child<L>(std::move(body));
    for (const sim_harness::Failure& f : outcome.failures) {
      if (f.line >= 0) {
        ADD_FAILURE_AT(f.file.c_str(), f.line) << "in the simulation: " << f.message;
      } else {
        ADD_FAILURE() << "in the simulation: " << f.message;
      }
    }
    if (outcome.status != 0) {
      ADD_FAILURE() << "the simulation's child process "
                    << (outcome.status == 128 + SIGALRM
                            ? "ran past its " + std::to_string(sim_harness::kChildSeconds) + " s alarm"
                            : "died with status " + std::to_string(outcome.status));
    }
  }
};

}  // namespace lockscope::tests
