#include "engine/replay/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/stats/human_count.hpp"
#include "engine/stats/sample_summary.hpp"
#include "traces/json_writer.hpp"

namespace lockscope::engine::replay {
namespace {

void wait_json(traces::JsonWriter& w, std::string_view key, const stats::LatencySummary& s) {
  w.key(key).begin_object().field("p50", s.p50).field("p99", s.p99).field("max", s.max).end_object();
}

// Per lock of a version-2 trace: what the replay measured and, for a
// recording, what the real run observed, side by side.
void print_lock_table(std::FILE* out, const ReplayResult& r, std::size_t max_lines) {
  if (r.locks.empty()) return;
  bool observed = false;
  for (const LockSummary& l : r.locks) observed |= l.observed_read_wait_ns.samples + l.observed_write_wait_ns.samples != 0;
  std::vector<const LockSummary*> order;
  for (const LockSummary& l : r.locks) order.push_back(&l);
  std::stable_sort(order.begin(), order.end(), [](const LockSummary* a, const LockSummary* b) {
    return a->reads + a->writes > b->reads + b->writes;
  });
  fmt::print(out, "\n  {:<28} {:<14} {:>9} {:>9} {:>17} {:>17} {:>12}", "lock", "replayed as", "reads", "writes",
             "read wait p50/p99", "write wait p50/99", "waited µs");
  if (observed) fmt::print(out, " {:>17} {:>17} {:>12}", "observed read", "observed write", "observed µs");
  fmt::print(out, " {:>10}\n", "transfers");
  for (std::size_t i = 0; i < order.size() && i < max_lines; ++i) {
    using stats::p50_p99_text;
    const LockSummary& l = *order[i];
    fmt::print(out, "  {:<28} {:<14} {:>9} {:>9} {:>17} {:>17} {:>12.1f}", l.name, l.design, l.reads, l.writes,
               p50_p99_text(l.read_wait_ns), p50_p99_text(l.write_wait_ns), static_cast<double>(l.wait_total_ns) / 1e3);
    if (observed) {
      fmt::print(out, " {:>17} {:>17} {:>12.1f}", p50_p99_text(l.observed_read_wait_ns),
                 p50_p99_text(l.observed_write_wait_ns), static_cast<double>(l.observed_wait_total_ns) / 1e3);
    }
    fmt::print(out, " {:>10}\n", l.transfers);
  }
  if (order.size() > max_lines) fmt::print(out, "  ... {} more locks\n", order.size() - max_lines);
  fmt::print(out, "  waits in ns (p50 / p99); waited µs: all acquisitions' waits added up\n");
  if (observed) fmt::print(out, "  observed: what the recorded program waited on the machine it ran on\n");
}

void optional_json(traces::JsonWriter& w, std::string_view key, const std::optional<double>& v) {
  if (v) {
    w.field(key, *v);
  } else {
    w.key(key).null();
  }
}

void fairness_json(traces::JsonWriter& w, const char* key, const traces::Fairness& f) {
  w.key(key).begin_object().field("workers", f.workers);
  optional_json(w, "jain", f.jain);
  w.field("max", f.max).field("max_worker", f.max_worker).field("min", f.min).field("min_worker", f.min_worker);
  optional_json(w, "max_over_min", f.max_over_min);
  w.end_object();
}

// Per worker its acquisitions, and the fairness figures over the workers
// that tried (traces/fairness.hpp), over the whole run and while all
// ran; an undefined figure is null.
void workers_json(traces::JsonWriter& w, const ReplayResult& r) {
  w.key("workers").begin_array();
  for (const traces::WorkerAcquisitions& x : r.workers) {
    w.begin_object().field("id", x.id).field("reads", x.reads).field("writes", x.writes);
    w.field("attempted", x.attempted).end_object();
  }
  w.end_array();
  fairness_json(w, "fairness", r.fairness());
  w.key("workers_while_all_ran").begin_array();
  for (const traces::WorkerAcquisitions& x : r.workers_while_all_ran) {
    w.begin_object().field("id", x.id).field("reads", x.reads).field("writes", x.writes).end_object();
  }
  w.end_array();
  fairness_json(w, "fairness_while_all_ran", r.fairness_while_all_ran());
}

// "Jain 0.970, max/min 1.40 (worker 3: 812, worker 9: 580)", or "(all 4
// workers: 500 each)" on a tie; nothing for a result without per-worker
// counts.
void print_fairness(std::FILE* out, const std::vector<traces::WorkerAcquisitions>& workers, const char* label) {
  if (workers.empty()) return;
  const traces::Fairness f = traces::fairness(workers);
  fmt::print(out, "  {:<20}", label);
  if (f.workers == 0) {
    fmt::print(out, "none (no worker tried to take a lock)\n");
    return;
  }
  if (!f.jain) {
    fmt::print(out, "none ({} {} tried, none got a lock)\n", f.workers, f.workers == 1 ? "worker" : "workers");
    return;
  }
  if (f.workers == 1) {
    fmt::print(out, "one worker took locks (worker {}: {})", f.max_worker, f.max);
  } else if (f.max == f.min) {
    // A tie names no worker: "worker 0: 5, worker 0: 5" read as a bug.
    fmt::print(out, "Jain {:.3f}, max/min 1.00 (all {} workers: {} each)", *f.jain, f.workers, f.max);
  } else {
    fmt::print(out, "Jain {:.3f}, max/min {} (worker {}: {}, worker {}: {}{})", *f.jain,
               f.max_over_min ? fmt::format("{:.2f}", *f.max_over_min) : std::string("inf"), f.max_worker, f.max,
               f.min_worker, f.min, f.min == 0 ? ", starved" : "");
  }
  const std::size_t idle = workers.size() - f.workers;
  if (idle != 0) fmt::print(out, "; {} of {} workers never tried", idle, workers.size());
  fmt::print(out, "\n");
}

}  // namespace

std::string summary_json(const ReplayResult& r) {
  traces::JsonWriter w;
  w.begin_object();
  w.field("lock", r.lock).field("machine", r.machine).field("cores", r.cores).field("seed", r.seed);
  // Only when not the default, so that every sc summary reads as before tso existed.
  if (r.memory_model != "sc") w.field("memory_model", r.memory_model);
  w.field("sim_time_ns", static_cast<double>(r.sim_time_ps) / 1000.0);
  w.field("lock_ops", r.lock_ops()).field("read_ops", r.read_ops).field("write_ops", r.write_ops);
  w.field("throughput_ops_per_sim_sec", r.throughput_ops_per_sim_sec());
  wait_json(w, "read_wait_ns", r.read_wait_ns);
  wait_json(w, "write_wait_ns", r.write_wait_ns);
  w.field("line_transfers", r.line_transfers).field("transfers_per_op", r.transfers_per_op());
  w.field("sleeps", r.sleeps).field("sleeps_per_op", r.sleeps_per_op());
  w.key("lines").begin_array();
  for (const traces::CachelineRow& l : r.lines) {
    w.begin_object().field("name", l.name).field("transfers", l.transfers);
    w.field("invalidations", l.invalidations).field("cores", l.cores.size()).end_object();
  }
  w.end_array();
  if (!r.locks.empty()) {
    w.key("locks").begin_array();
    for (const LockSummary& l : r.locks) {
      w.begin_object().field("name", l.name).field("kind", l.kind).field("design", l.design);
      w.field("reads", l.reads).field("writes", l.writes).field("failed_attempts", l.failed);
      wait_json(w, "read_wait_ns", l.read_wait_ns);
      wait_json(w, "write_wait_ns", l.write_wait_ns);
      w.field("transfers", l.transfers).field("wait_total_ns", l.wait_total_ns);
      if (l.observed_read_wait_ns.samples + l.observed_write_wait_ns.samples != 0) {
        wait_json(w, "observed_read_wait_ns", l.observed_read_wait_ns);
        wait_json(w, "observed_write_wait_ns", l.observed_write_wait_ns);
        w.field("observed_wait_total_ns", l.observed_wait_total_ns);
      }
      w.end_object();
    }
    w.end_array();
  }
  workers_json(w, r);
  w.field("violations", r.violations);
  if (r.violations != 0) {
    w.key("first_violation").begin_object();
    w.field("time_ns", static_cast<double>(r.first_violation_ps) / 1000.0);
    w.field("entering_worker", r.violation_entering);
    w.field("inside_worker", r.violation_inside);
    w.end_object();
  }
  w.field("residual_readers", r.residual_readers);
  w.field("deadlock", r.deadlock);
  w.field("missed_wakeup", r.missed_wakeup);
  w.key("blocked").begin_array();
  for (const BlockedWorker& b : r.blocked) {
    w.begin_object().field("worker", b.worker).field("waiting_in", b.waiting_in).end_object();
  }
  w.end_array();
  if (!r.error.empty()) w.field("error", r.error);
  w.field("wall_sec", r.wall_sec);
  w.field("sim_ops_per_wall_sec", r.sim_ops_per_wall_sec());
  w.end_object();
  return w.str() + "\n";
}

void print_summary(std::FILE* out, const ReplayResult& r, std::size_t max_lines) {
  fmt::print(out, "{} on {} ({} cores), seed {}{}\n", r.lock, r.machine, r.cores, r.seed,
             r.memory_model != "sc" ? ", memory model " + r.memory_model : std::string());
  fmt::print(out, "  simulated time      {:.3f} µs\n", static_cast<double>(r.sim_time_ps) / 1e6);
  fmt::print(out, "  lock operations     {} ({} reads, {} writes)\n", r.lock_ops(), r.read_ops, r.write_ops);
  fmt::print(out, "  throughput          {} per simulated second\n", stats::human_count(r.throughput_ops_per_sim_sec(), "ops"));
  fmt::print(out, "  read wait  ns       p50 {}  p99 {}  max {}\n", r.read_wait_ns.p50, r.read_wait_ns.p99,
             r.read_wait_ns.max);
  fmt::print(out, "  write wait ns       p50 {}  p99 {}  max {}\n", r.write_wait_ns.p50, r.write_wait_ns.p99,
             r.write_wait_ns.max);
  print_fairness(out, r.workers, "fairness");
  print_fairness(out, r.workers_while_all_ran, "while all ran");
  fmt::print(out, "  line transfers      {} ({:.3f} per operation)\n", r.line_transfers, r.transfers_per_op());
  fmt::print(out, "  sleeps              {} ({:.4f} per operation)\n", r.sleeps, r.sleeps_per_op());
  fmt::print(out, "  simulator speed     {} per wall second ({:.2f} s)\n", stats::human_count(r.sim_ops_per_wall_sec(), "lock ops"),
             r.wall_sec);
  if (!r.lines.empty()) {
    fmt::print(out, "\n  {:<36} {:>12} {:>14} {:>6}\n", "shared line", "transfers", "invalidations", "cores");
    for (std::size_t i = 0; i < r.lines.size() && i < max_lines; ++i) {
      const traces::CachelineRow& l = r.lines[i];
      fmt::print(out, "  {:<36} {:>12} {:>14} {:>6}\n", l.name, l.transfers, l.invalidations, l.cores.size());
    }
    if (r.lines.size() > max_lines) fmt::print(out, "  ... {} more lines\n", r.lines.size() - max_lines);
  }
  print_lock_table(out, r, max_lines);
  if (r.violations != 0) {
    fmt::print(out, "\n  MUTUAL EXCLUSION VIOLATED {} times; first at {:.3f} µs: worker {} entered while worker {} was inside\n",
               r.violations, static_cast<double>(r.first_violation_ps) / 1e6, r.violation_entering, r.violation_inside);
  }
  if (r.residual_readers != 0) fmt::print(out, "\n  READER COUNT DRIFTED: {} left\n", r.residual_readers);
  if (r.deadlock) {
    fmt::print(out, "\n  DEADLOCK{}: ", r.missed_wakeup ? " (missed wakeup)" : "");
    for (const BlockedWorker& b : r.blocked) fmt::print(out, "worker {} in {}; ", b.worker, b.waiting_in);
    fmt::print(out, "\n");
  }
  if (!r.error.empty()) fmt::print(out, "\n  TRACE ERROR: {}\n", r.error);
}

void print_comparison(std::FILE* out, std::span<const ReplayResult> runs) {
  fmt::print(out, "{:<14} {:>6} {:>16} {:>12} {:>14} {:>14} {:>10}\n", "lock", "cores", "ops/sim-sec",
             "xfers/op", "read p99 ns", "write p99 ns", "healthy");
  for (const ReplayResult& r : runs) {
    fmt::print(out, "{:<14} {:>6} {:>16} {:>12.3f} {:>14} {:>14} {:>10}\n", r.lock, r.cores,
               stats::human_count(r.throughput_ops_per_sim_sec()), r.transfers_per_op(), r.read_wait_ns.p99, r.write_wait_ns.p99,
               r.healthy() ? "yes" : "NO");
  }
}

}  // namespace lockscope::engine::replay
