#include "engine/replay/replay.hpp"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <string>

#include "engine/replay/recorder.hpp"
#include "engine/replay/worker_actor.hpp"
#include "engine/sim/sim_platform.hpp"
#include "lockimpl/central_lock.hpp"
#include "lockimpl/graph_lock.hpp"

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

constexpr std::array<std::string_view, 12> kNames = {
    "graph",
    "graph-asym",
    "graph-qemu",
    "central",
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

// SimGrid's engine takes argv-style options: picosecond precision (the
// default 1e-9 s would round a 1-cycle access away) and no log chatter.
simgrid::s4u::Engine& make_engine() {
  static int argc = 4;
  static char arg0[] = "lockscope";
  static char arg1[] = "--cfg=surf/precision:1e-13";
  static char arg2[] = "--log=root.thres:critical";
  static char arg3[] = "--cfg=contexts/factory:raw";
  static char* argv[] = {arg0, arg1, arg2, arg3, nullptr};
  static simgrid::s4u::Engine engine(&argc, argv);
  return engine;
}

std::vector<simgrid::s4u::Host*> make_cores(unsigned cores) {
  auto* zone = simgrid::s4u::create_full_zone("machine");
  std::vector<simgrid::s4u::Host*> hosts;
  hosts.reserve(cores);
  for (unsigned c = 0; c < cores; ++c) hosts.push_back(zone->create_host("core" + std::to_string(c), 1e9));
  zone->seal();
  return hosts;
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

template <class Lock>
ReplayResult run_with(const traces::WorkloadTrace& trace, const ReplayOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  simgrid::s4u::Engine& engine = make_engine();
  const unsigned cores = options.costs.cores;
  const std::vector<simgrid::s4u::Host*> hosts = make_cores(cores);

  sim::SimWorld world(options.costs, options.sim_costs);
  std::vector<coherence::Transfer> transfers;
  if (options.record_timeline) world.directory().set_transfer_log(&transfers);
  const auto workers = static_cast<unsigned>(trace.workers.size());
  Recorder recorder(workers, options.record_timeline);
  world.set_observer(&recorder);

  const std::uint32_t capacity = std::max<std::uint32_t>(trace.context_capacity(), 1);
  // Leaked on purpose when the run ends abnormally: a lock whose workers
  // were killed mid-operation cannot pass its destructor's checks.
  auto lock = std::make_unique<Lock>(capacity);
  ReplayShared shared;
  shared.context_exists.assign(capacity, false);
  shared.workers_in.assign(capacity, 0);
  shared.ops_total = trace.op_count();
  shared.progress = options.progress;
  std::vector<sim::SimWorker> states(workers);
  std::vector<bool> finished(workers, false);
  coherence::Picos workers_start = 0;  // registering the initial contexts is not the workload

  // The setup actor registers the initial contexts (registration takes the
  // lock's mutex, which only an actor may do), then starts the workers.
  simgrid::s4u::Actor::create("setup", hosts[0], [&] {
    sim::SimWorker setup_worker;
    setup_worker.id = workers;  // past the recorded workers: the recorder ignores it
    world.attach(setup_worker);
    for (std::uint32_t ctx = 0; ctx < trace.initial_contexts; ++ctx) {
      lock->register_context(ctx);
      shared.context_exists[ctx] = true;
    }
    world.sync();
    workers_start = sim::SimWorld::clock();
    // Every worker is in its context before any starts: creating an actor is
    // a simcall, during which the new actor may already run.
    for (unsigned w = 0; w < workers; ++w) {
      sim::SimWorker& s = states[w];
      s.id = w;
      s.core = w % cores;
      s.context = trace.workers[w].initial_context;
      ++shared.workers_in[s.context];
    }
    for (unsigned w = 0; w < workers; ++w) {
      simgrid::s4u::Actor::create("worker" + std::to_string(w), hosts[states[w].core], [&, w] {
        run_worker(*lock, world, states[w], trace.workers[w], recorder, shared,
                   Jitter(options.seed * 1'000'003 + w, options.jitter));
        finished[w] = true;
      });
    }
  });

  world.set_running(true);
  engine.run();
  world.set_running(false);

  ReplayResult r;
  r.lock = options.lock;
  r.machine = options.machine;
  r.cores = cores;
  r.seed = options.seed;
  const coherence::Picos end = sim::SimWorld::clock();
  r.sim_time_ps = end - std::min(workers_start, end);
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
  const coherence::Directory& dir = world.directory();
  r.line_transfers = dir.total_transfers();
  for (coherence::LineId id = 0; id < dir.line_count(); ++id) {
    const coherence::LineStats& s = dir.stats(id);
    if (s.transfers == 0 && s.invalidations == 0) continue;
    const auto touching = static_cast<std::uint32_t>(std::count(s.touched_by.begin(), s.touched_by.end(), true));
    r.lines.push_back({s.name, s.transfers, s.invalidations, touching});
  }
  std::stable_sort(r.lines.begin(), r.lines.end(), [](const LineSummary& a, const LineSummary& b) {
    return a.transfers + a.invalidations > b.transfers + b.invalidations;
  });

  if (options.record_timeline) {
    traces::Timeline& t = r.timeline;
    t.lock = options.lock;
    t.machine = options.machine;
    t.cores = cores;
    t.seed = options.seed;
    t.origin = trace.origin;
    t.end_time = end;
    t.workers.resize(workers);
    for (unsigned w = 0; w < workers; ++w) {
      t.workers[w].name = "worker " + std::to_string(w);
      t.workers[w].core = states[w].core;
    }
    for (coherence::LineId id = 0; id < dir.line_count(); ++id) t.lines.push_back({dir.stats(id).name});
    t.transfers.reserve(transfers.size());
    for (const coherence::Transfer& x : transfers) {
      t.transfers.push_back({x.start, x.end, x.line, x.from, x.to, convert(x.kind)});
    }
    std::stable_sort(t.transfers.begin(), t.transfers.end(),
                     [](const auto& a, const auto& b) { return a.start < b.start; });
    recorder.export_to(t);
  }

  if (r.deadlock || !r.error.empty()) {
    (void)lock.release();  // see above: its workers may have died mid-operation
  } else {
    r.residual_readers = residual_readers(*lock, capacity);
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
