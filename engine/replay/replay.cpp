#include "engine/replay/replay.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <string>

#include "engine/replay/recorder.hpp"
#include "engine/replay/worker_actor.hpp"
#include "engine/sim/sim_platform.hpp"
#include "engine/sim/sim_session.hpp"
#include "lockimpl/bravo.hpp"
#include "lockimpl/brlock.hpp"
#include "lockimpl/central_lock.hpp"
#include "lockimpl/graph_fair_lock.hpp"
#include "lockimpl/graph_lock.hpp"
#include "lockimpl/numa_lock.hpp"
#include "lockimpl/percpu_rwsem.hpp"
#include "lockimpl/pflock.hpp"

namespace lockscope::engine::replay {
namespace {

using lockimpl::CentralLock;
using lockimpl::Fence;
using lockimpl::GraphLock;
using lockimpl::GraphPolicy;
using lockimpl::UnlockKick;
using lockimpl::WriterWait;
using sim::SimPlatform;

template <Fence F, UnlockKick K, WriterWait W>
using Graph = GraphLock<SimPlatform, GraphPolicy<F, K, W>>;

constexpr std::array<std::string_view, 20> kNames = {
    "graph",
    "graph-asym",
    "graph-qemu",
    "graph-packed",
    "central",
    "brlock",
    "numa",
    "numa-ccx",
    "percpu",
    "graph-fair",
    "pflock",
    "bravo",
    "graph:full:if_writer:held",
    "graph:full:if_writer:polling",
    "graph:full:always:held",
    "graph:full:always:polling",
    "graph:asym:if_writer:held",
    "graph:asym:if_writer:polling",
    "graph:asym:always:held",
    "graph:asym:always:polling",
};

// The readers a lock still counts after the run: 0 unless it drifted.
template <class Lock>
std::int64_t residual_readers(const Lock& lock, std::uint32_t capacity) {
  if constexpr (requires { lock.readers_inside(); }) {
    return lock.readers_inside();
  } else {
    std::int64_t sum = lock.orphaned_readers();
    for (std::uint32_t ctx = 0; ctx < capacity; ++ctx) sum += lock.context_readers(ctx);
    return sum;
  }
}

std::string describe(sim::BlockKind kind) {
  switch (kind) {
    case sim::BlockKind::mutex: return "a mutex";
    case sim::BlockKind::wait_queue: return "the reader queue";
    case sim::BlockKind::waiter: return "the writer wait (for readers to drain)";
  }
  return "?";
}

traces::TransferKind convert(coherence::TransferKind k) {
  switch (k) {
    case coherence::TransferKind::read_share: return traces::TransferKind::read_share;
    case coherence::TransferKind::ownership: return traces::TransferKind::ownership;
    case coherence::TransferKind::invalidation: return traces::TransferKind::invalidation;
    case coherence::TransferKind::fill: return traces::TransferKind::fill;
  }
  return traces::TransferKind::fill;
}

// The summary and the timeline, from the world as the engine left it.
void collect(const coherence::Directory& dir, const std::vector<coherence::Transfer>& transfers,
             const std::vector<coherence::Upgrade>& upgrades, ReplayResult& r, traces::Timeline* timeline) {
  r.line_transfers = dir.total_transfers();
  for (coherence::LineId id = 0; id < dir.line_count(); ++id) {
    const coherence::LineStats& s = dir.stats(id);
    if (timeline != nullptr) timeline->lines.push_back({s.name});
    if (s.transfers == 0 && s.invalidations == 0) continue;
    const auto touching = static_cast<std::uint32_t>(std::count(s.touched_by.begin(), s.touched_by.end(), true));
    r.lines.push_back({s.name, s.transfers, s.invalidations, touching});
  }
  std::stable_sort(r.lines.begin(), r.lines.end(), [](const LineSummary& a, const LineSummary& b) {
    return a.transfers + a.invalidations > b.transfers + b.invalidations;
  });
  if (timeline == nullptr) return;
  timeline->transfers.reserve(transfers.size());
  for (const coherence::Transfer& x : transfers) {
    timeline->transfers.push_back({x.start, x.end, x.line, x.from, x.to, convert(x.kind)});
  }
  std::stable_sort(timeline->transfers.begin(), timeline->transfers.end(),
                   [](const auto& a, const auto& b) { return a.start < b.start; });
  timeline->upgrades.reserve(upgrades.size());
  for (const coherence::Upgrade& u : upgrades) timeline->upgrades.push_back({u.time, u.line, u.core});
  std::stable_sort(timeline->upgrades.begin(), timeline->upgrades.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
}

template <class Lock>
ReplayResult run_with(const traces::WorkloadTrace& trace, const ReplayOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  const unsigned cores = options.costs.cores;
  const auto workers = static_cast<unsigned>(trace.workers.size());
  const std::uint32_t capacity = std::max<std::uint32_t>(trace.context_capacity(), 1);
  Recorder recorder(workers, options.record_timeline);
  std::vector<coherence::Transfer> transfers;
  std::vector<coherence::Upgrade> upgrades;
  // Leaked on purpose when the run ends abnormally: a lock whose workers
  // were killed mid-operation cannot pass its destructor's checks.
  std::unique_ptr<Lock> lock;
  ReplayShared shared;
  shared.context_exists.assign(capacity, false);
  shared.workers_in.assign(capacity, 0);
  shared.ops_total = trace.op_count();
  shared.progress = options.progress;
  std::vector<sim::SimWorker> states(workers);
  std::vector<bool> finished(workers, false);
  coherence::Picos workers_start = 0;  // registering the initial contexts is not the workload
  ReplayResult r;
  traces::Timeline* timeline = options.record_timeline ? &r.timeline : nullptr;

  // The main actor (an id past the recorded workers: the recorder ignores
  // it) builds the lock, registers the initial contexts (registration takes
  // the lock's mutex, which only an actor may do), then starts the workers.
  auto setup = [&](sim::SimWorld& world, const sim::SimHosts& hosts) {
    if (options.record_timeline) {
      world.directory().set_transfer_log(&transfers);
      world.directory().set_upgrade_log(&upgrades);
    }
    world.set_observer(&recorder);
    lock = std::make_unique<Lock>(capacity);
    for (std::uint32_t ctx = 0; ctx < trace.initial_contexts; ++ctx) {
      lock->register_context(ctx);
      shared.context_exists[ctx] = true;
    }
    world.sync();
    workers_start = sim::SimWorld::clock();
    // Every worker is in its context before any starts: creating an actor is
    // a simcall, during which the new actor may already run.
    for (unsigned w = 0; w < workers; ++w) {
      states[w].id = w;
      states[w].context = trace.workers[w].initial_context;
      states[w].core = home_core(states[w].context, cores);
      ++shared.workers_in[states[w].context];
    }
    for (unsigned w = 0; w < workers; ++w) {
      sim::spawn_worker(hosts, states[w], [&, w] {
        run_worker(*lock, sim::SimWorld::current(), states[w], trace.workers[w], recorder, shared, cores,
                   Jitter(options.seed * 1'000'003 + w, options.jitter));
        finished[w] = true;
      });
    }
  };
  sim::SimCosts sim_costs = options.sim_costs;
  if (options.strict) {
    sim_costs.quantum = 0;
    sim_costs.lookahead = 0;
  }
  const sim::SimulationEnd end = sim::run_simulation(
      options.costs, sim_costs, setup, workers,
      [&](sim::SimWorld& world) {
        collect(world.directory(), transfers, upgrades, r, timeline);
        // The lock's atomics belong to this world: inspect and destroy it now.
        const bool clean = shared.error.empty() && std::all_of(finished.begin(), finished.end(), [](bool f) { return f; });
        if (clean && lock) {
          r.residual_readers = residual_readers(*lock, capacity);
          lock.reset();
        } else {
          (void)lock.release();  // see above: its workers may have died mid-operation
        }
      });

  r.lock = options.lock;
  r.machine = options.machine;
  r.cores = cores;
  r.seed = options.seed;
  r.sim_time_ps = end.end_time - std::min(workers_start, end.end_time);
  r.read_ops = recorder.reads();
  r.write_ops = recorder.writes();
  r.read_wait_ns = recorder.read_wait().summary();
  r.write_wait_ns = recorder.write_wait().summary();
  r.violations = recorder.violations();
  r.error = shared.error;
  for (unsigned w = 0; w < workers; ++w) {
    if (finished[w]) continue;
    r.deadlock = true;
    const std::string where =
        recorder.is_blocked(w) ? describe(recorder.block_kind(w)) : std::string("an unfinished operation");
    r.blocked.push_back({w, where});
    if (recorder.is_blocked(w) && recorder.block_kind(w) == sim::BlockKind::waiter &&
        recorder.readers_inside() == 0) {
      r.missed_wakeup = true;
    }
  }
  if (timeline != nullptr) {
    timeline->lock = options.lock;
    timeline->machine = options.machine;
    timeline->cores = cores;
    timeline->seed = options.seed;
    timeline->origin = trace.origin;
    timeline->end_time = end.end_time;
    timeline->workers.resize(workers);
    for (unsigned w = 0; w < workers; ++w) {
      timeline->workers[w].name = "worker " + std::to_string(w);
      timeline->workers[w].core = home_core(trace.workers[w].initial_context, cores);
    }
    recorder.export_to(*timeline);
  }
  r.wall_sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return r;
}

using Runner = ReplayResult (*)(const traces::WorkloadTrace&, const ReplayOptions&);

Runner find_runner(std::string_view name) {
  using enum Fence;
  using enum UnlockKick;
  constexpr auto held = WriterWait::flag_held;
  constexpr auto polling = WriterWait::flag_cleared_while_polling;
  if (name == "graph" || name == "graph:full:if_writer:held") return run_with<Graph<full, if_writer, held>>;
  if (name == "graph-asym" || name == "graph:asym:if_writer:held") return run_with<Graph<asymmetric, if_writer, held>>;
  if (name == "graph-qemu" || name == "graph:full:always:polling") return run_with<Graph<full, always, polling>>;
  if (name == "central") return run_with<CentralLock<SimPlatform>>;
  if (name == "brlock") return run_with<lockimpl::BrLock<SimPlatform>>;
  if (name == "numa") return run_with<lockimpl::NumaLock<SimPlatform, lockimpl::NodeLevel::socket>>;
  if (name == "numa-ccx") return run_with<lockimpl::NumaLock<SimPlatform, lockimpl::NodeLevel::cache>>;
  if (name == "percpu") return run_with<lockimpl::PercpuRwsem<SimPlatform>>;
  if (name == "graph-fair") return run_with<lockimpl::GraphFairLock<SimPlatform>>;
  if (name == "pflock") return run_with<lockimpl::PfLock<SimPlatform>>;
  if (name == "bravo") return run_with<lockimpl::BravoLock<SimPlatform>>;
  if (name == "graph-packed") return run_with<GraphLock<SimPlatform, lockimpl::PackedSeedPolicy>>;
  if (name == "graph:full:if_writer:polling") return run_with<Graph<full, if_writer, polling>>;
  if (name == "graph:full:always:held") return run_with<Graph<full, always, held>>;
  if (name == "graph:asym:if_writer:polling") return run_with<Graph<asymmetric, if_writer, polling>>;
  if (name == "graph:asym:always:held") return run_with<Graph<asymmetric, always, held>>;
  if (name == "graph:asym:always:polling") return run_with<Graph<asymmetric, always, polling>>;
  return nullptr;
}

}  // namespace

std::span<const std::string_view> sim_lock_names() { return kNames; }

bool is_sim_lock(std::string_view name) { return find_runner(name) != nullptr; }

ReplayResult replay(const traces::WorkloadTrace& trace, const ReplayOptions& options) {
  const Runner run = find_runner(options.lock);
  if (run == nullptr) {
    ReplayResult r;
    r.error = "unknown lock '" + options.lock + "'";
    return r;
  }
  return run(trace, options);
}

}  // namespace lockscope::engine::replay
