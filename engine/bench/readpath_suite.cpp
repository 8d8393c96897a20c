#include "engine/bench/readpath_suite.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/bench/cpu_affinity.hpp"
#include "engine/bench/lock_registry.hpp"
#include "engine/bench/report.hpp"
#include "traces/json_writer.hpp"

namespace lockscope::engine::bench {
namespace {

const ReadpathRow* find_row(const ReadpathReport& report, std::string_view lock) {
  for (const ReadpathRow& row : report.rows) {
    if (row.lock == lock) return &row;
  }
  return nullptr;
}

double at(const ReadpathRow& row, unsigned threads) {
  return threads <= row.ops_per_sec.size() ? row.ops_per_sec[threads - 1] : 0;
}

// The bench targets of the foundation issue, evaluated on this run. Only
// those whose locks and thread counts were measured appear.
std::vector<ReadpathCheck> evaluate(const ReadpathReport& report) {
  std::vector<ReadpathCheck> checks;
  const ReadpathRow* graph = find_row(report, "graph");
  const ReadpathRow* asym = find_row(report, "graph-asym");
  const ReadpathRow* central = find_row(report, "central");
  const ReadpathRow* shared = find_row(report, "std-shared-mutex");
  if (graph != nullptr) {
    checks.push_back({"graph uncontended rdlock+rdunlock <= 2.5 ns",
                      fmt::format("{:.2f} ns", graph->uncontended_ns),
                      graph->uncontended_ns <= 2.5});
  }
  if (asym != nullptr) {
    checks.push_back({"graph-asym uncontended rdlock+rdunlock <= 1.5 ns",
                      fmt::format("{:.2f} ns", asym->uncontended_ns), asym->uncontended_ns <= 1.5});
  }
  if (report.cpus < 2) return checks;
  if (graph != nullptr) {
    const double ratio = at(*graph, 2) / std::max(at(*graph, 1), 1.0);
    checks.push_back({"graph read throughput at 2 threads >= 1.8x at 1 thread",
                      fmt::format("{:.2f}x", ratio), ratio >= 1.8});
  }
  if (graph != nullptr && shared != nullptr) {
    const double ratio = at(*graph, 2) / std::max(at(*shared, 2), 1.0);
    checks.push_back({"graph >= 10x std-shared-mutex at 2 threads", fmt::format("{:.1f}x", ratio),
                      ratio >= 10});
  }
  if (central != nullptr) {
    const double ratio = at(*central, 2) / std::max(at(*central, 1), 1.0);
    checks.push_back({"central at 2 threads no better than at 1 (bouncing)",
                      fmt::format("{:.2f}x of 1 thread", ratio), ratio <= 1.0});
  }
  return checks;
}

}  // namespace

ReadpathReport run_readpath_suite(const ReadpathOptions& options,
                                  const std::function<void(const std::string&)>& progress) {
  ReadpathReport report;
  report.cpus = options.max_threads != 0 ? options.max_threads
                                         : static_cast<unsigned>(allowed_cpus().size());
  const SpinDelay delay(1.0);  // read-only, no critical section, no think time: unused
  for (const LockEntry& lock : bench_locks()) {
    if (lock.broken && options.locks.empty()) continue;
    if (!options.locks.empty() &&
        std::find(options.locks.begin(), options.locks.end(), lock.name) == options.locks.end()) {
      continue;
    }
    ReadpathRow row;
    row.lock = std::string(lock.name);
    progress(fmt::format("{}: uncontended read path", lock.name));
    row.uncontended_ns = lock.uncontended_read_ns(options.iterations, options.rounds);
    for (unsigned threads = 1; threads <= report.cpus; ++threads) {
      progress(fmt::format("{}: read-only throughput, {} thread{}", lock.name, threads,
                           threads == 1 ? "" : "s"));
      BenchConfig cfg;
      cfg.lock = row.lock;
      cfg.threads = threads;
      cfg.duration_ms = options.duration_ms;
      cfg.read_sample_every = 0;  // throughput only: no clock reads in the loop
      const BenchResult r = lock.run(cfg, delay);
      row.ops_per_sec.push_back(r.ops_per_sec);
      row.violations += r.violations;
      if (!r.note.empty()) row.note = r.note;
    }
    report.rows.push_back(std::move(row));
  }
  report.checks = evaluate(report);
  return report;
}

void print_readpath(std::FILE* out, const ReadpathReport& report) {
  const ReadpathRow* graph = find_row(report, "graph");
  const double base = graph != nullptr ? at(*graph, 1) : 0;
  fmt::print(out, "read path on this machine ({} CPUs); throughput is read-only, aggregate;\n",
             report.cpus);
  fmt::print(out, "ratios are to graph at 1 thread\n\n");
  fmt::print(out, "{:<17} {:>13}", "lock", "rd+unlock ns");
  for (unsigned t = 1; t <= report.cpus; ++t) fmt::print(out, " {:>18}", fmt::format("{} thr ops/s", t));
  fmt::print(out, "\n");
  for (const ReadpathRow& row : report.rows) {
    fmt::print(out, "{:<17} {:>13.2f}", row.lock, row.uncontended_ns);
    for (const double v : row.ops_per_sec) {
      const std::string ratio = base > 0 ? fmt::format(" ({:.2f}x)", v / base) : "";
      fmt::print(out, " {:>18}", human_count(v) + ratio);
    }
    if (row.violations != 0) fmt::print(out, "  VIOLATIONS: {}", row.violations);
    fmt::print(out, "\n");
    if (!row.note.empty()) fmt::print(out, "  note: {}\n", row.note);
  }
  if (report.checks.empty()) return;
  fmt::print(out, "\ntargets:\n");
  for (const ReadpathCheck& c : report.checks) {
    fmt::print(out, "  [{}] {}: {}\n", c.met ? " met " : "miss", c.target, c.measured);
  }
}

std::string readpath_json(const ReadpathReport& report) {
  traces::JsonWriter w;
  w.begin_object();
  w.field("suite", "readpath").field("cpus", report.cpus);
  w.key("locks").begin_array();
  for (const ReadpathRow& row : report.rows) {
    w.begin_object();
    w.field("lock", row.lock).field("uncontended_read_ns", row.uncontended_ns);
    w.key("read_ops_per_sec").begin_array();
    for (const double v : row.ops_per_sec) w.value(v);
    w.end_array();
    w.field("violations", row.violations);
    if (!row.note.empty()) w.field("note", row.note);
    w.end_object();
  }
  w.end_array();
  w.key("checks").begin_array();
  for (const ReadpathCheck& c : report.checks) {
    w.begin_object().field("target", c.target).field("measured", c.measured).field("met", c.met);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.str() + "\n";
}

}  // namespace lockscope::engine::bench
