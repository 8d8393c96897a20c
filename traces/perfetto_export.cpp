#include "traces/perfetto_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "traces/exact_micros.hpp"
#include "traces/json_writer.hpp"

namespace lockscope::traces {
namespace {

constexpr int kMachinePid = 1;
constexpr int kLinesPid = 2;
constexpr int kStoreBuffersPid = 3;
// Rows per core's store buffer: overlapping stores go to separate tracks,
// since slices of one track must nest.
constexpr std::uint32_t kStoreRows = 8;

bool exported(const Span& s, const PerfettoOptions& o) { return o.include_running || s.state != WorkerState::running; }

// The worker on `core` whose exported span encloses `t` (start <= t < end),
// as its thread id, or 0.
class CoreLookup {
 public:
  CoreLookup(const Timeline& t, const PerfettoOptions& o) : t_(t), o_(o), by_core_(t.cores) {
    for (std::uint32_t w = 0; w < t.workers.size(); ++w) {
      if (t.workers[w].core < t.cores) by_core_[t.workers[w].core].push_back(w);
    }
  }

  [[nodiscard]] int tid_at(std::int64_t core, std::uint64_t time) const {
    if (core < 0 || static_cast<std::uint64_t>(core) >= by_core_.size()) return 0;
    for (const std::uint32_t w : by_core_[static_cast<std::size_t>(core)]) {
      const std::vector<Span>& spans = t_.workers[w].spans;
      auto it = std::upper_bound(spans.begin(), spans.end(), time,
                                 [](std::uint64_t v, const Span& s) { return v < s.start; });
      if (it == spans.begin()) continue;
      --it;
      if (time < it->end && exported(*it, o_)) return static_cast<int>(w) + 1;
    }
    return 0;
  }

 private:
  const Timeline& t_;
  const PerfettoOptions& o_;
  std::vector<std::vector<std::uint32_t>> by_core_;
};

std::string core_name(std::int64_t core) { return core < 0 ? std::string("mem") : fmt::format("c{}", core); }

// An event object's opening fields: `{"ph":"X","pid":1`.
void begin_event(JsonWriter& json, char phase, int pid) {
  json.begin_object().field("ph", std::string_view(&phase, 1)).field("pid", pid);
}

// A time field, in exact microseconds (Perfetto's unit; a double would
// switch to exponent form below 100 ps).
void micros(JsonWriter& json, std::string_view key, std::uint64_t ps) { json.key(key).number(exact_micros(ps)); }

// M events: `process_name` / `thread_name` take a name, the sort indexes a number.
void name_event(JsonWriter& json, const char* what, int pid, int tid, std::string_view name) {
  begin_event(json, 'M', pid);
  if (tid != 0) json.field("tid", tid);
  json.field("name", what);
  json.key("args").begin_object().field("name", name).end_object();
  json.end_object();
}

void sort_event(JsonWriter& json, const char* what, int pid, int tid, std::size_t index) {
  begin_event(json, 'M', pid);
  if (tid != 0) json.field("tid", tid);
  json.field("name", what);
  json.key("args").begin_object().field("sort_index", index).end_object();
  json.end_object();
}

// A tso run's store buffers: per core, tracks `c3 store buffer` (and
// `c3 store buffer 2`, … for stores buffered at the same time), one slice
// per store from when it was stored to when it became visible.
void write_store_buffers(JsonWriter& json, const Timeline& t) {
  name_event(json, "process_name", kStoreBuffersPid, 0, "store buffers");
  sort_event(json, "process_sort_index", kStoreBuffersPid, 0, 2);
  struct Row {
    std::uint64_t free = 0;
    bool named = false;
  };
  std::vector<std::vector<Row>> rows;  // per core seen, by core
  std::vector<std::uint32_t> cores;
  const auto core_index = [&](std::uint32_t core) {
    const auto it = std::lower_bound(cores.begin(), cores.end(), core);
    if (it != cores.end() && *it == core) return static_cast<std::size_t>(it - cores.begin());
    const auto at = static_cast<std::size_t>(it - cores.begin());
    cores.insert(it, core);
    rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(at), std::vector<Row>(kStoreRows));
    return at;
  };
  for (const BufferedStoreRecord& b : t.buffered_stores) (void)core_index(b.core);
  for (const BufferedStoreRecord& b : t.buffered_stores) {
    const std::size_t c = core_index(b.core);
    const std::uint64_t end = b.visible == kNeverVisible ? std::max(t.end_time, b.stored) : b.visible;
    auto& r = rows[c];
    std::uint32_t row = 0;
    while (row < kStoreRows && r[row].free > b.stored) ++row;
    if (row == kStoreRows) row = kStoreRows - 1;  // more than kStoreRows at once: the last track overlaps
    r[row].free = std::max(end, b.stored + 1);
    const auto tid = static_cast<int>(c * kStoreRows + row) + 1;
    if (!r[row].named) {
      r[row].named = true;
      name_event(json, "thread_name", kStoreBuffersPid, tid,
                 row == 0 ? fmt::format("c{} store buffer", b.core) : fmt::format("c{} store buffer {}", b.core, row + 1));
      sort_event(json, "thread_sort_index", kStoreBuffersPid, tid, static_cast<std::size_t>(tid));
    }
    const std::string_view line = b.line < t.lines.size() ? std::string_view(t.lines[b.line].name) : std::string_view();
    begin_event(json, 'X', kStoreBuffersPid);
    json.field("tid", tid);
    micros(json, "ts", b.stored);
    micros(json, "dur", end - b.stored);
    json.field("name", fmt::format("{} = {}", line, static_cast<std::int64_t>(b.value) < 0
                                                       ? fmt::format("{}", static_cast<std::int64_t>(b.value))
                                                       : fmt::format("{}", b.value)));
    json.field("cat", "store");
    json.key("args").begin_object().field("line", line).field("core", b.core).field("visible", b.visible != kNeverVisible);
    json.end_object();
    json.end_object();
  }
}

// Each mutual-exclusion violation: a global instant event.
void write_violations(JsonWriter& json, const Timeline& t) {
  for (const ExclusionViolation& v : t.violations) {
    begin_event(json, 'i', kMachinePid);
    json.field("tid", static_cast<std::int64_t>(v.entering) + 1);
    micros(json, "ts", v.time);
    json.field("s", "g");
    json.field("name", "mutual exclusion violated");
    json.field("cat", "violation");
    const auto worker = [&](std::uint32_t w) {
      return w < t.workers.size() ? std::string_view(t.workers[w].name) : std::string_view();
    };
    json.key("args")
        .begin_object()
        .field("entering", worker(v.entering))
        .field("inside", worker(v.inside))
        .field("lock", v.lock < t.locks.size() ? std::string_view(t.locks[v.lock].name) : std::string_view())
        .end_object();
    json.end_object();
  }
}

}  // namespace

void write_perfetto(std::ostream& out, const Timeline& t, const PerfettoOptions& o) {
  JsonWriter json(out, 0);
  json.begin_object().field("displayTimeUnit", "ns");
  json.key("otherData")
      .begin_object()
      .field("generator", "lockscope")
      .field("lock", t.lock)
      .field("machine", t.machine)
      .field("cores", t.cores)
      .field("seed", t.seed)
      .field("origin", t.origin)
      .field("end_time_ps", t.end_time)
      .end_object();
  json.key("traceEvents").begin_array(JsonWriter::Layout::line_per_item);
  const std::string process = t.lock.empty() ? t.machine : fmt::format("{}: {}", t.machine, t.lock);
  name_event(json, "process_name", kMachinePid, 0, process.empty() ? "machine" : process);
  sort_event(json, "process_sort_index", kMachinePid, 0, 0);
  for (std::size_t w = 0; w < t.workers.size(); ++w) {
    const int tid = static_cast<int>(w) + 1;
    name_event(json, "thread_name", kMachinePid, tid, fmt::format("{} (core {})", t.workers[w].name, t.workers[w].core));
    sort_event(json, "thread_sort_index", kMachinePid, tid, w);
  }

  for (std::size_t w = 0; w < t.workers.size(); ++w) {
    for (const Span& span : t.workers[w].spans) {
      if (!exported(span, o)) continue;
      begin_event(json, 'X', kMachinePid);
      json.field("tid", static_cast<std::int64_t>(w) + 1);
      micros(json, "ts", span.start);
      micros(json, "dur", span.end - span.start);
      const std::string_view lock = span_lock_label(t, span);
      if (lock.empty()) {
        json.field("name", to_string(span.state));
      } else {
        json.field("name", fmt::format("{} {}", to_string(span.state), lock));
      }
      json.field("cat", "state");
      json.end_object();
    }
  }

  if (o.include_transfers && !t.transfers.empty()) {
    name_event(json, "process_name", kLinesPid, 0, "cachelines");
    sort_event(json, "process_sort_index", kLinesPid, 0, 1);
    std::vector<bool> used(t.lines.size(), false);
    for (const LineTransfer& x : t.transfers) {
      if (x.line < used.size()) used[x.line] = true;
    }
    for (std::size_t l = 0; l < t.lines.size(); ++l) {
      if (!used[l]) continue;
      const int tid = static_cast<int>(l) + 1;
      name_event(json, "thread_name", kLinesPid, tid, t.lines[l].name.empty() ? "line" : t.lines[l].name);
      sort_event(json, "thread_sort_index", kLinesPid, tid, l);
    }
    for (const LineTransfer& x : t.transfers) {
      begin_event(json, 'X', kLinesPid);
      json.field("tid", static_cast<std::int64_t>(x.line) + 1);
      micros(json, "ts", x.start);
      micros(json, "dur", x.end - x.start);
      json.field("name", fmt::format("{} {}->{}", to_string(x.kind), core_name(x.from), core_name(x.to)));
      json.field("cat", "transfer");
      json.key("args")
          .begin_object()
          .field("line", x.line < t.lines.size() ? std::string_view(t.lines[x.line].name) : std::string_view())
          .field("from", x.from)
          .field("to", x.to)
          .end_object();
      json.end_object();
    }
  }

  if (!t.buffered_stores.empty()) write_store_buffers(json, t);
  write_violations(json, t);

  // Flows come after every slice: Perfetto binds a flow end to the slice
  // open on its track at that time, and keeps file order among equal times.
  if (o.include_transfers && o.include_flows) {
    const CoreLookup lookup(t, o);
    for (std::size_t i = 0; i < t.transfers.size(); ++i) {
      const LineTransfer& x = t.transfers[i];
      const int to_tid = lookup.tid_at(x.to, x.end);
      if (to_tid == 0) continue;
      const int from_tid = lookup.tid_at(x.from, x.start);
      const auto id = static_cast<std::int64_t>(i) + 1;
      begin_event(json, 's', from_tid != 0 ? kMachinePid : kLinesPid);
      json.field("tid", from_tid != 0 ? from_tid : static_cast<std::int64_t>(x.line) + 1);
      micros(json, "ts", x.start);
      json.field("id", id);
      json.field("name", "line transfer");
      json.field("cat", "transfer");
      json.end_object();
      begin_event(json, 'f', kMachinePid);
      json.field("tid", to_tid);
      micros(json, "ts", x.end);
      json.field("id", id);
      json.field("name", "line transfer");
      json.field("cat", "transfer");
      json.field("bp", "e");
      json.end_object();
    }
  }

  if (o.include_counters) {
    for (const TimelineCounter& c : t.counters) {
      for (const CounterSample& sample : c.samples) {
        begin_event(json, 'C', kMachinePid);
        json.field("name", c.name);
        micros(json, "ts", sample.time);
        json.key("args").begin_object().field("value", sample.value).end_object();
        json.end_object();
      }
    }
  }
  json.end_array().end_object();
  json.finish();
  out << '\n';
}

}  // namespace lockscope::traces
