#include "engine/record/record_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "engine/stats/human_count.hpp"
#include "engine/stats/sample_summary.hpp"
#include "traces/json_writer.hpp"

namespace lockscope::engine::record {
namespace {

void wait_json(traces::JsonWriter& w, std::string_view key, const stats::LatencySummary& s) {
  w.key(key).begin_object().field("samples", s.samples).field("p50", s.p50).field("p99", s.p99);
  w.field("max", s.max).end_object();
}

// Words of `text` on lines of at most `width` columns, each after `indent`.
void print_wrapped(std::FILE* out, std::string_view text, std::string_view indent, std::size_t width) {
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
      fmt::print(out, "{}{}\n", indent, line);
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    start = end + 1;
  }
  if (!line.empty()) fmt::print(out, "{}{}\n", indent, line);
}

}  // namespace

std::string summary_json(const RecordSummary& s, const lockscope::record::RawRecording& raw) {
  traces::JsonWriter w;
  w.begin_object();
  w.field("program", s.program);
  w.key("args").begin_array();
  for (const std::string& a : s.args) w.value(a);
  w.end_array();
  w.field("pid", raw.pid).field("end", s.end_reason);
  w.field("duration_ns", s.duration_ns).field("threads", s.threads).field("acquisitions", s.acquisitions);
  w.field("recursive_folded", s.recursive_folded).field("unmatched_releases", s.unmatched_releases);
  w.field("released_at_end", s.released_at_end).field("cond_waits", s.cond_waits);
  w.field("dropped_events", raw.dropped);
  w.key("locks").begin_array();
  for (const RecordedLock& l : s.locks) {
    w.begin_object().field("name", l.name).field("kind", traces::to_string(l.kind));
    w.field("address", fmt::format("{:#x}", l.address));
    w.field("reads", l.reads).field("writes", l.writes).field("failed_attempts", l.failed);
    w.field("contended", l.contended);
    wait_json(w, "read_wait_ns", l.read_wait_ns);
    wait_json(w, "write_wait_ns", l.write_wait_ns);
    wait_json(w, "hold_ns", l.hold_ns);
    w.end_object();
  }
  w.end_array();
  w.field("not_seen", kBlindSpot);
  w.end_object();
  return w.str() + "\n";
}

void print_record_summary(std::FILE* out, const RecordSummary& s, const lockscope::record::RawRecording& raw,
                          std::size_t max_locks) {
  std::string command = s.program;
  for (const std::string& a : s.args) command += " " + a;
  fmt::print(out, "\nlockscope record: {}\n", command);
  fmt::print(out, "  {} ({:.3f} s), {} threads, {} locks, {} acquisitions\n", s.end_reason,
             static_cast<double>(s.duration_ns) * 1e-9, s.threads, s.locks.size(), s.acquisitions);
  if (s.locks.empty()) {
    fmt::print(out, "  the program took no pthread lock the interposer could see: the trace has nothing to replay\n");
  } else {
    std::vector<const RecordedLock*> order;
    for (const RecordedLock& l : s.locks) order.push_back(&l);
    std::stable_sort(order.begin(), order.end(), [](const RecordedLock* a, const RecordedLock* b) {
      return a->reads + a->writes > b->reads + b->writes;
    });
    fmt::print(out, "\n  {:<32} {:<7} {:>10} {:>10} {:>7} {:>10} {:>17} {:>17} {:>14}\n", "lock", "kind", "reads",
               "writes", "failed", "contended", "read wait p50/99", "write wait p50/99", "hold p50 ns");
    for (std::size_t i = 0; i < order.size() && i < max_locks; ++i) {
      using stats::p50_p99_text;
      const RecordedLock& l = *order[i];
      const std::string hold = l.hold_ns.samples == 0 ? std::string("-") : std::to_string(l.hold_ns.p50);
      fmt::print(out, "  {:<32} {:<7} {:>10} {:>10} {:>7} {:>10} {:>17} {:>17} {:>14}\n", l.name,
                 traces::to_string(l.kind), l.reads, l.writes, l.failed, l.contended, p50_p99_text(l.read_wait_ns),
                 p50_p99_text(l.write_wait_ns), hold);
    }
    if (order.size() > max_locks) fmt::print(out, "  ... {} more locks\n", order.size() - max_locks);
    fmt::print(out, "  waits in ns from call to return; contended: waited 1 µs or more\n");
  }
  if (s.recursive_folded != 0) {
    fmt::print(out, "  {} recursive acquisitions folded into their outermost one\n", s.recursive_folded);
  }
  if (s.cond_waits != 0) {
    fmt::print(out, "  {} condition-variable waits: the mutex is shown released during each\n", s.cond_waits);
  }
  if (s.unmatched_releases != 0) {
    fmt::print(out, "  {} releases of locks the thread did not hold were dropped\n", s.unmatched_releases);
  }
  if (s.released_at_end != 0) {
    fmt::print(out, "  {} locks still held when their thread or the process ended were released there\n",
               s.released_at_end);
  }
  if (raw.dropped != 0) {
    fmt::print(out, "  WARNING: the interposer lost {} events (out of buffer memory): the trace is incomplete\n",
               raw.dropped);
  }
  print_wrapped(out, kBlindSpot, "  ", 100);
}

}  // namespace lockscope::engine::record
