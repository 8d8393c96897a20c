#include "engine/replay/replay.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "engine/replay/recorder.hpp"
#include "engine/replay/replay_lock.hpp"
#include "engine/replay/worker_actor.hpp"
#include "engine/sim/sim_platform.hpp"
#include "engine/sim/sim_session.hpp"
#include "engine/stats/sample_summary.hpp"
#include "lockimpl/bravo.hpp"
#include "lockimpl/brlock.hpp"
#include "lockimpl/central_lock.hpp"
#include "lockimpl/glibc_mutex.hpp"
#include "lockimpl/glibc_rwlock.hpp"
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

constexpr std::array<std::string_view, 26> kNames = {
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
    "glibc-rwlock",
    "glibc-rwlock-wp",
    "graph:full:if_writer:held",
    "graph:full:if_writer:polling",
    "graph:full:always:held",
    "graph:full:always:polling",
    "graph:asym:if_writer:held",
    "graph:asym:if_writer:polling",
    "graph:asym:always:held",
    "graph:asym:always:polling",
    // Broken on purpose, for teaching (docs/memory-ordering.md): correct
    // under sc, wrong under tso.
    "graph-nofence",
    "graph:none:if_writer:held",
    "percpu-nofence",
    "bravo-nofence",
};

// What each broken-on-purpose lock leaves out (--list-locks says it).
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kBroken = {{
    {"graph-nofence", "BROKEN (teaching): no reader fence; under --memory-model tso both sides can enter"},
    {"graph:none:if_writer:held", "BROKEN (teaching): graph-nofence"},
    {"percpu-nofence", "BROKEN (teaching): the slow reader has no fence before it reads block; wrong under tso"},
    {"bravo-nofence", "BROKEN (teaching): the bias is revoked by a plain store; wrong under tso"},
}};

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
  std::vector<traces::CachelineRow> lines;
  lines.reserve(dir.line_count());
  for (coherence::LineId id = 0; id < dir.line_count(); ++id) {
    const coherence::LineStats& s = dir.stats(id);
    if (timeline != nullptr) timeline->lines.push_back({s.name});
    traces::CachelineRow& row = lines.emplace_back();
    row.line = id;
    row.name = s.name;
    row.transfers = s.transfers;
    row.invalidations = s.invalidations;
    for (std::uint32_t core = 0; core < s.touched_by.size(); ++core) {
      if (s.touched_by[core]) row.cores.push_back(core);
    }
  }
  r.lines = traces::cacheline_table(std::move(lines));
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

// The store buffers' log, by the time each store entered its buffer.
void collect_stores(const std::vector<sim::StoreLogEntry>& stores, traces::Timeline& timeline) {
  timeline.buffered_stores.reserve(stores.size());
  for (const sim::StoreLogEntry& e : stores) {
    const std::uint64_t visible = e.visible == sim::StoreLogEntry::kNeverVisible ? traces::kNeverVisible : e.visible;
    timeline.buffered_stores.push_back({e.stored, visible, e.core, e.line, e.bits});
  }
  std::stable_sort(timeline.buffered_stores.begin(), timeline.buffered_stores.end(),
                   [](const auto& a, const auto& b) { return a.stored < b.stored; });
}

static_assert(kDefaultBravoSlots == lockimpl::BravoLock<SimPlatform>::kDefaultTableSlots);

using LockFactory = std::unique_ptr<ReplayLock> (*)(std::uint32_t capacity, const LockParams& params);

template <class Lock>
std::unique_ptr<ReplayLock> make(std::uint32_t capacity, const LockParams& params) {
  return std::make_unique<ReplayLockOf<Lock>>(capacity, params);
}


LockFactory find_factory(std::string_view name) {
  using enum Fence;
  using enum UnlockKick;
  constexpr auto held = WriterWait::flag_held;
  constexpr auto polling = WriterWait::flag_cleared_while_polling;
  if (name == "graph" || name == "graph:full:if_writer:held") return make<Graph<full, if_writer, held>>;
  if (name == "graph-asym" || name == "graph:asym:if_writer:held") return make<Graph<asymmetric, if_writer, held>>;
  if (name == "graph-qemu" || name == "graph:full:always:polling") return make<Graph<full, always, polling>>;
  if (name == "central") return make<CentralLock<SimPlatform>>;
  if (name == "brlock") return make<lockimpl::BrLock<SimPlatform>>;
  if (name == "numa") return make<lockimpl::NumaLock<SimPlatform, lockimpl::NodeLevel::socket>>;
  if (name == "numa-ccx") return make<lockimpl::NumaLock<SimPlatform, lockimpl::NodeLevel::cache>>;
  if (name == "percpu") return make<lockimpl::PercpuRwsem<SimPlatform>>;
  if (name == "graph-fair") return make<lockimpl::GraphFairLock<SimPlatform>>;
  if (name == "pflock") return make<lockimpl::PfLock<SimPlatform>>;
  if (name == "bravo") return make<lockimpl::BravoLock<SimPlatform>>;
  if (name == "glibc-rwlock") return make<lockimpl::GlibcRwlock<SimPlatform, lockimpl::GlibcPreferReader>>;
  if (name == "glibc-rwlock-wp") return make<lockimpl::GlibcRwlock<SimPlatform, lockimpl::GlibcPreferWriterNonrecursive>>;
  if (name == "glibc-mutex") return make<lockimpl::GlibcMutex<SimPlatform>>;  // for a trace's mutexes; not in kNames
  if (name == "graph-packed") return make<GraphLock<SimPlatform, lockimpl::PackedSeedPolicy>>;
  if (name == "graph:full:if_writer:polling") return make<Graph<full, if_writer, polling>>;
  if (name == "graph:full:always:held") return make<Graph<full, always, held>>;
  if (name == "graph:asym:if_writer:polling") return make<Graph<asymmetric, if_writer, polling>>;
  if (name == "graph:asym:always:held") return make<Graph<asymmetric, always, held>>;
  if (name == "graph:asym:always:polling") return make<Graph<asymmetric, always, polling>>;
  if (name == "graph-nofence" || name == "graph:none:if_writer:held") return make<Graph<none, if_writer, held>>;
  if (name == "percpu-nofence") {
    return make<lockimpl::PercpuRwsem<SimPlatform, lockimpl::PercpuReaderFence::none>>;
  }
  if (name == "bravo-nofence") return make<lockimpl::BravoLock<SimPlatform, lockimpl::BravoRevocation::release>>;
  return nullptr;
}

// The design's factory for a --lock name with its parameters, or null.
LockFactory find_factory_for(std::string_view name, LockParams& params) {
  auto spec = parse_lock_spec(name);
  if (!spec) return nullptr;
  params = spec->params;
  return find_factory(spec->design);
}

// The design each of the trace's locks is replayed as.
std::vector<std::string> designs_for(const traces::WorkloadTrace& trace, const ReplayOptions& options) {
  std::vector<std::string> designs;
  for (std::uint32_t id = 0; id < trace.lock_count(); ++id) {
    if (trace.lock_kind(id) == traces::LockKind::mutex) {
      designs.push_back(options.mutex);
    } else if (options.only_lock && *options.only_lock != id) {
      designs.push_back(options.baseline_rwlock);
    } else {
      designs.push_back(options.lock);
    }
  }
  return designs;
}

// Waits the recording observed, per lock, from the trace's acquire ops.
void add_observed(const traces::WorkloadTrace& trace, std::vector<LockSummary>& locks) {
  std::vector<std::vector<std::uint64_t>> reads(locks.size()), writes(locks.size());
  for (const traces::WorkerPlan& worker : trace.workers) {
    for (const traces::Op& op : worker.ops) {
      if ((op.flags & traces::kOpObserved) == 0 || op.lock >= locks.size()) continue;
      if (op.kind == traces::OpKind::read_acquire) reads[op.lock].push_back(op.value);
      if (op.kind == traces::OpKind::write_acquire) writes[op.lock].push_back(op.value);
      if (op.kind == traces::OpKind::read_acquire || op.kind == traces::OpKind::write_acquire) {
        locks[op.lock].observed_wait_total_ns += op.value;
      }
    }
  }
  for (std::size_t i = 0; i < locks.size(); ++i) {
    locks[i].observed_read_wait_ns = stats::summarize_samples(std::move(reads[i]));
    locks[i].observed_write_wait_ns = stats::summarize_samples(std::move(writes[i]));
  }
}

ReplayResult run_replay(const traces::WorkloadTrace& trace, const ReplayOptions& options,
                        const std::vector<std::string>& designs) {
  const auto wall_start = std::chrono::steady_clock::now();
  const unsigned cores = options.costs.cores;
  const auto workers = static_cast<unsigned>(trace.workers.size());
  const std::uint32_t capacity = std::max<std::uint32_t>(trace.context_capacity(), 1);
  const std::uint32_t lock_count = trace.lock_count();
  // A version-2 trace names its locks; their lines are named after them.
  const bool named_locks = !trace.locks.empty();
  Recorder recorder(workers, lock_count, options.record_timeline, named_locks);
  recorder.reserve_for(trace);
  recorder.time_waits_with(WaitInstrument(options.wait_instrument_ns, options.seed));
  recorder.time_only(options.timed_acquisitions);
  std::vector<coherence::Transfer> transfers;
  std::vector<coherence::Upgrade> upgrades;
  std::vector<sim::StoreLogEntry> stores;
  // Leaked on purpose when the run ends abnormally: a lock whose workers
  // were killed mid-operation cannot pass its destructor's checks.
  std::vector<std::unique_ptr<ReplayLock>> locks;
  std::vector<coherence::LineId> first_line;  // by lock: the first line its construction named
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
  // it) builds the locks, registers the initial contexts (registration takes
  // a lock's mutex, which only an actor may do), then starts the workers.
  auto setup = [&](sim::SimWorld& world, const sim::SimHosts& hosts) {
    if (options.record_timeline) {
      world.directory().set_transfer_log(&transfers);
      world.directory().set_upgrade_log(&upgrades);
      world.set_store_log(&stores);
    }
    world.set_observer(&recorder);
    for (std::uint32_t id = 0; id < lock_count; ++id) {
      if (named_locks) world.set_line_prefix(trace.locks[id].name + ": ");
      first_line.push_back(static_cast<coherence::LineId>(world.directory().line_count()));
      LockParams params;
      locks.push_back(find_factory_for(designs[id], params)(capacity, params));
    }
    world.set_line_prefix("");
    for (std::uint32_t ctx = 0; ctx < trace.initial_contexts; ++ctx) {
      for (const auto& lock : locks) lock->register_context(ctx);
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
        run_worker(locks, sim::SimWorld::current(), states[w], trace.workers[w], recorder, shared, cores,
                   Jitter(options.seed * 1'000'003 + w, options.jitter));
        finished[w] = true;
      });
    }
  };
  sim::SimCosts sim_costs = options.sim_costs;
  sim_costs.seed = options.seed;
  if (options.strict) {
    sim_costs.quantum = 0;
    sim_costs.lookahead = 0;
  }
  std::vector<std::uint64_t> lock_transfers(lock_count, 0);
  const sim::SimulationEnd end = sim::run_simulation(
      options.costs, sim_costs, setup, workers,
      [&](sim::SimWorld& world) {
        collect(world.directory(), transfers, upgrades, r, timeline);
        r.sleeps = world.sleeps();
        if (timeline != nullptr) collect_stores(stores, *timeline);
        const coherence::Directory& dir = world.directory();
        for (std::uint32_t id = 0; id < lock_count && id < first_line.size(); ++id) {
          const coherence::LineId last =
              id + 1 < first_line.size() ? first_line[id + 1] : static_cast<coherence::LineId>(dir.line_count());
          for (coherence::LineId line = first_line[id]; line < last; ++line) {
            lock_transfers[id] += dir.stats(line).transfers;
          }
        }
        // The locks' atomics belong to this world: inspect and destroy them now.
        const bool clean = shared.error.empty() && std::all_of(finished.begin(), finished.end(), [](bool f) { return f; });
        if (clean && locks.size() == lock_count) {
          for (const auto& lock : locks) r.residual_readers += lock->residual_readers(capacity);
          locks.clear();
        } else {
          for (auto& lock : locks) (void)lock.release();  // see above: its workers may have died mid-operation
        }
      });

  r.lock = options.lock;
  r.machine = options.machine;
  r.cores = cores;
  r.seed = options.seed;
  r.memory_model = sim_costs.memory_model == sim::MemoryModel::tso ? "tso" : "sc";
  r.sim_time_ps = end.end_time - std::min(workers_start, end.end_time);
  r.read_ops = recorder.reads();
  r.write_ops = recorder.writes();
  r.workers = recorder.worker_acquisitions();
  r.workers_while_all_ran = recorder.worker_acquisitions_while_all_ran();
  r.read_wait_ns = recorder.read_wait().summary();
  r.write_wait_ns = recorder.write_wait().summary();
  r.violations = recorder.violations();
  r.first_violation_ps = recorder.first_violation_at();
  r.violation_entering = recorder.violation_entering();
  r.violation_inside = recorder.violation_inside();
  r.error = shared.error;
  if (named_locks) {
    for (std::uint32_t id = 0; id < lock_count; ++id) {
      const LockCounts& c = recorder.lock_counts(id);
      LockSummary l;
      l.name = trace.locks[id].name;
      l.kind = traces::to_string(trace.locks[id].kind);
      l.design = designs[id];
      l.reads = c.reads;
      l.writes = c.writes;
      l.failed = c.failed;
      for (const auto* waits : {&c.read_wait_ns, &c.write_wait_ns}) {
        for (const std::uint64_t w : *waits) l.wait_total_ns += w;
      }
      l.read_wait_ns = stats::summarize_samples(c.read_wait_ns);
      l.write_wait_ns = stats::summarize_samples(c.write_wait_ns);
      l.transfers = lock_transfers[id];
      r.locks.push_back(std::move(l));
    }
    add_observed(trace, r.locks);
  }
  for (unsigned w = 0; w < workers; ++w) {
    if (finished[w]) continue;
    r.deadlock = true;
    std::string where =
        recorder.is_blocked(w) ? describe(recorder.block_kind(w)) : std::string("an unfinished operation");
    const std::uint32_t about = recorder.lock_of(w);
    if (named_locks && about < lock_count) where += " of " + trace.locks[about].name;
    r.blocked.push_back({w, where});
    if (recorder.is_blocked(w) && recorder.block_kind(w) == sim::BlockKind::waiter && about < lock_count &&
        recorder.readers_inside(about) == 0) {
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
    timeline->source = traces::TimelineSource::simulated;
    for (std::uint32_t id = 0; id < lock_count; ++id) {
      timeline->locks.push_back(
          {named_locks ? fmt::format("{} ({} as {})", trace.locks[id].name, traces::to_string(trace.locks[id].kind),
                                     designs[id])
                       : options.lock});
    }
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

}  // namespace

std::span<const std::string_view> sim_lock_names() { return kNames; }

std::string_view sim_lock_broken(std::string_view name) {
  for (const auto& [broken, why] : kBroken) {
    if (broken == name) return why;
  }
  return {};
}

// glibc-mutex has a factory (a recorded trace's mutexes replay as it) but is
// no rwlock: --lock cannot name it.
bool is_sim_lock(std::string_view name) { return sim_lock_problem(name).empty(); }

std::string sim_lock_problem(std::string_view name) {
  auto spec = parse_lock_spec(name);
  if (!spec) return spec.error();
  if (find_factory(spec->design) == nullptr || spec->design == "glibc-mutex") {
    return fmt::format("'{}' does not run in the simulator (lockscope replay --list-locks)", name);
  }
  return {};
}

namespace {

// The simulated clock counts picoseconds in 64 bits (about 213 days), and
// jitter may stretch a duration to twice its size: a worker's durations
// must add up to at most a million seconds, or the clock would wrap and the
// results be silently wrong. The error names the first worker past it.
std::string durations_too_long(const traces::WorkloadTrace& trace) {
  constexpr std::uint64_t kMaxNs = 1'000'000ULL * 1'000'000'000ULL;
  for (std::size_t w = 0; w < trace.workers.size(); ++w) {
    std::uint64_t total = 0;
    for (const traces::Op& op : trace.workers[w].ops) {
      switch (op.kind) {
        case traces::OpKind::hold:
        case traces::OpKind::think:
        case traces::OpKind::read_acquire_failed:
        case traces::OpKind::write_acquire_failed:
          total = op.value > kMaxNs - total ? kMaxNs + 1 : total + op.value;
          break;
        default: break;
      }
      if (total > kMaxNs) {
        return fmt::format("worker {}'s think, hold and wait times add up to more than 1,000,000 s of simulated "
                           "time, the most a replay simulates (its clock counts picoseconds in 64 bits)",
                           w);
      }
    }
  }
  return {};
}

}  // namespace

ReplayResult replay(const traces::WorkloadTrace& trace, const ReplayOptions& options) {
  if (std::string too_long = durations_too_long(trace); !too_long.empty()) {
    ReplayResult r;
    r.lock = options.lock;
    r.error = std::move(too_long);
    return r;
  }
  if (const unsigned most = sim::max_sim_workers(); trace.workers.size() > most) {
    ReplayResult r;
    r.lock = options.lock;
    r.error = fmt::format(
        "the trace has {} workers; a simulation here holds at most {} (one SimGrid actor with its own stack per "
        "worker, limited by vm.max_map_count: raise it with `sysctl -w vm.max_map_count=N` for more)",
        trace.workers.size(), most);
    return r;
  }
  const std::vector<std::string> designs = designs_for(trace, options);
  for (const std::string& design : designs) {
    LockParams params;
    if (find_factory_for(design, params) == nullptr) {
      ReplayResult r;
      r.lock = options.lock;
      r.error = "unknown lock '" + design + "'";
      return r;
    }
  }
  return run_replay(trace, options, designs);
}

}  // namespace lockscope::engine::replay
