// SimWorld: the state every simulated atomic, mutex and waiter reaches: the
// coherence directory, the per-worker clocks, and the costs of fences and
// barriers. One per process, like SimGrid's engine; the replay creates it
// before any lock and destroys it after.
//
// Time. SimGrid's clock is a double in seconds; ours is integer picoseconds.
// Each worker also keeps `ahead`: time it has spent on work that cannot
// interact with another core (L1 hits, fences, busy time) and has not yet
// told SimGrid about. Work is charged lazily that way and synchronized
// (one sleep) before anything that can interact with another core: a miss,
// a blocking call, or once `ahead` exceeds the quantum. Without it every
// access would cost a simcall, and a simulation would top out near a
// million accesses per second (Graphite's lax synchronization, ZSim's
// bound-weave).
#pragma once

#include <simgrid/s4u/Actor.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/coherence/directory.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::engine::sim {

using coherence::Picos;

// What a blocked worker is blocked in, for the timeline.
enum class BlockKind : std::uint8_t { mutex, wait_queue, waiter };

// Told when a worker blocks and wakes; the replay turns this into states.
class BlockObserver {
 public:
  virtual ~BlockObserver() = default;
  virtual void blocked(unsigned worker, BlockKind kind, Picos at) = 0;
  virtual void unblocked(unsigned worker, Picos at) = 0;
};

struct SimCosts {
  Picos fence = 8'000;           // a full fence: drain the store buffer
  Picos heavy_barrier = 2'000'000;  // membarrier(2): IPIs to every core
  Picos pause = 10'000;          // cpu_relax()
  Picos quantum = 200'000;       // most a worker may run ahead of SimGrid's clock
  Picos lookahead = 50'000;      // a miss this close ahead is issued without catching up first
};

struct SimWorker {
  unsigned id = 0;
  unsigned core = 0;
  lockimpl::ContextId context = 0;
  Picos ahead = 0;
};

class SimWorld {
 public:
  SimWorld(coherence::CostModel costs, SimCosts sim_costs);
  ~SimWorld();
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  // The world of this process; aborts if there is none.
  static SimWorld& current();

  // Attaches the calling actor to `worker` (kept by the caller).
  void attach(SimWorker& worker);
  SimWorker& self();

  coherence::Directory& directory() { return directory_; }
  const SimCosts& costs() const { return sim_costs_; }
  void set_observer(BlockObserver* observer) { observer_ = observer; }
  BlockObserver* observer() const { return observer_; }

  // A name for the line of the variable at `address`.
  coherence::LineId line_for(const void* address, const lockimpl::LineName& name);
  // A line for a platform object that has no LineName (a mutex, a waiter).
  coherence::LineId line_for(const void* address, const char* what);
  // Put before every line name from now on ("cache_lock: "): a replay of
  // several locks builds each under the name of the lock it stands for, so
  // two graph locks' `graph.ctx[3].readers` stay apart in the tables.
  void set_line_prefix(std::string prefix) { line_prefix_ = std::move(prefix); }

  // The calling worker's time, ahead included.
  Picos now();
  // Charges `cost` of local work to the calling worker (lazily).
  void charge(Picos cost);
  // Tells SimGrid about the calling worker's lazy time (one sleep).
  void sync();
  // One coherence access by the calling worker: a hit is charged lazily, a
  // miss synchronizes and sleeps until the line arrives.
  void access(coherence::LineId line, coherence::Access access, lockimpl::MemoryOrder order);

  static Picos clock();  // SimGrid's clock, in picoseconds

  // Between set_running(true) and set_running(false) accesses come from
  // worker actors and cost time; outside (building a lock, inspecting it
  // after the run) they are free and untimed.
  void set_running(bool running) { running_ = running; }
  [[nodiscard]] bool running() const { return running_; }

 private:
  // The same, for a worker already looked up (the per-access path).
  void charge(SimWorker& w, Picos cost);
  void sync(SimWorker& w);
  std::string prefixed(const void* address, std::string name) const;

  coherence::Directory directory_;
  SimCosts sim_costs_;
  std::vector<SimWorker*> by_pid_;
  BlockObserver* observer_ = nullptr;
  std::uint32_t anonymous_lines_ = 0;
  std::string line_prefix_;
  bool running_ = false;
};

}  // namespace lockscope::engine::sim
