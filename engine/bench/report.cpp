#include "engine/bench/report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "traces/json_writer.hpp"

namespace lockscope::engine::bench {
namespace {

void latency_json(traces::JsonWriter& w, std::string_view key, const LatencySummary& s) {
  w.key(key).begin_object();
  w.field("p50", s.p50).field("p99", s.p99).field("max", s.max).field("samples", s.samples);
  w.end_object();
}

std::string latency_cell(const LatencySummary& s) {
  if (s.samples == 0) return "-";
  return fmt::format("{}/{}/{}", s.p50, s.p99, s.max);
}

}  // namespace

std::string bench_json(const BenchResult& r) {
  traces::JsonWriter w;
  w.begin_object();
  w.field("lock", r.config.lock).field("threads", r.config.threads);
  if (r.config.table_slots != 0) w.field("table_slots", r.config.table_slots);
  w.field("ops_per_sec", r.ops_per_sec);
  w.field("read_ops", r.read_ops).field("write_ops", r.write_ops);
  latency_json(w, "read_latency_ns", r.read_latency_ns);
  latency_json(w, "write_latency_ns", r.write_latency_ns);
  w.field("violations", r.violations);
  w.field("readers_checked", r.readers_checked);
  w.field("write_permille", r.config.write_permille);
  w.field("cs_ns", r.config.cs_ns).field("think_ns", r.config.think_ns);
  w.field("elapsed_sec", r.elapsed_sec);
  w.field("pinned", r.config.pin);
  if (!r.note.empty()) w.field("note", r.note);
  w.end_object();
  return w.str() + "\n";
}

void print_bench_table(std::FILE* out, std::span<const BenchResult> results) {
  std::size_t name = 17;  // the longest registry name, or a longer one given (bravo-nofence:slots=65536)
  for (const BenchResult& r : results) name = std::max(name, r.config.lock.size());
  fmt::print(out, "{:<{}} {:>7} {:>11} {:>11} {:>9} {:>20} {:>24} {:>10}\n", "lock", name, "threads",
             "ops/s", "reads", "writes", "read p50/p99/max ns", "write p50/p99/max ns",
             "violations");
  for (const BenchResult& r : results) {
    const std::string violations =
        r.readers_checked ? fmt::format("{}", r.violations) : fmt::format("{} (w/w)", r.violations);
    fmt::print(out, "{:<{}} {:>7} {:>11} {:>11} {:>9} {:>20} {:>24} {:>10}\n", r.config.lock, name,
               r.config.threads, human_count(r.ops_per_sec), human_count(static_cast<double>(r.read_ops)),
               human_count(static_cast<double>(r.write_ops)), latency_cell(r.read_latency_ns),
               latency_cell(r.write_latency_ns), violations);
    if (!r.note.empty()) fmt::print(out, "  note: {}\n", r.note);
  }
}

}  // namespace lockscope::engine::bench
