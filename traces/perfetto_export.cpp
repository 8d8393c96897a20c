#include "traces/perfetto_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "traces/json_writer.hpp"

namespace lockscope::traces {
namespace {

constexpr int kMachinePid = 1;
constexpr int kLinesPid = 2;

// Events are written one per line by hand rather than through JsonWriter's
// DOM-less builder for two reasons: a trace has millions of them and is
// streamed, and times must be exact decimals (JsonWriter prints doubles,
// which would switch to exponent form below 100 ps). Strings still go
// through JsonWriter::escape.
class EventStream {
 public:
  explicit EventStream(std::ostream& out) : out_(out) { buf_.reserve(kFlushBytes + 4096); }
  ~EventStream() { flush(); }
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Starts an event object: `{"ph":"X","pid":1`.
  void begin(char phase, int pid) {
    if (events_++ != 0) buf_ += ",\n";
    buf_ += "{\"ph\":\"";
    buf_ += phase;
    buf_ += "\",\"pid\":";
    fmt::format_to(std::back_inserter(buf_), "{}", pid);
  }
  void end() {
    buf_ += '}';
    if (buf_.size() >= kFlushBytes) flush();
  }

  void field(std::string_view key, std::string_view text) {
    key_(key);
    buf_ += JsonWriter::escape(text);
  }
  void field(std::string_view key, const char* text) { field(key, std::string_view(text)); }
  void field(std::string_view key, std::int64_t v) {
    key_(key);
    fmt::format_to(std::back_inserter(buf_), "{}", v);
  }
  // Picoseconds, as exact microseconds: 1234567 -> 1.234567, 5000000 -> 5.
  void micros(std::string_view key, std::uint64_t ps) {
    key_(key);
    fmt::format_to(std::back_inserter(buf_), "{}", ps / 1'000'000);
    std::uint64_t frac = ps % 1'000'000;
    if (frac == 0) return;
    int digits = 6;
    while (frac % 10 == 0) {
      frac /= 10;
      --digits;
    }
    fmt::format_to(std::back_inserter(buf_), ".{:0{}}", frac, digits);
  }
  // `"args":{` ... `}`: raw access for the small argument objects.
  void raw(std::string_view text) { buf_ += text; }

  void flush() {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }

 private:
  static constexpr std::size_t kFlushBytes = 1 << 20;
  void key_(std::string_view key) {
    buf_ += ",\"";
    buf_ += key;
    buf_ += "\":";
  }

  std::ostream& out_;
  std::string buf_;
  std::uint64_t events_ = 0;
};

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

// M events: `process_name` / `thread_name` take a name, the sort indexes a number.
void name_event(EventStream& s, const char* what, int pid, int tid, std::string_view name) {
  s.begin('M', pid);
  if (tid != 0) s.field("tid", tid);
  s.field("name", what);
  s.raw(",\"args\":{\"name\":");
  s.raw(JsonWriter::escape(name));
  s.raw("}");
  s.end();
}

void sort_event(EventStream& s, const char* what, int pid, int tid, std::size_t index) {
  s.begin('M', pid);
  if (tid != 0) s.field("tid", tid);
  s.field("name", what);
  s.raw(fmt::format(",\"args\":{{\"sort_index\":{}}}", index));
  s.end();
}

}  // namespace

void write_perfetto(std::ostream& out, const Timeline& t, const PerfettoOptions& o) {
  JsonWriter info(0);
  info.begin_object()
      .field("generator", "lockscope")
      .field("lock", t.lock)
      .field("machine", t.machine)
      .field("cores", t.cores)
      .field("seed", t.seed)
      .field("origin", t.origin)
      .field("end_time_ps", t.end_time)
      .end_object();
  out << "{\"displayTimeUnit\":\"ns\",\"otherData\":" << info.str() << ",\"traceEvents\":[\n";
  {
    EventStream s(out);
    const std::string process = t.lock.empty() ? t.machine : fmt::format("{}: {}", t.machine, t.lock);
    name_event(s, "process_name", kMachinePid, 0, process.empty() ? "machine" : process);
    sort_event(s, "process_sort_index", kMachinePid, 0, 0);
    for (std::size_t w = 0; w < t.workers.size(); ++w) {
      const int tid = static_cast<int>(w) + 1;
      name_event(s, "thread_name", kMachinePid, tid, fmt::format("{} (core {})", t.workers[w].name, t.workers[w].core));
      sort_event(s, "thread_sort_index", kMachinePid, tid, w);
    }

    for (std::size_t w = 0; w < t.workers.size(); ++w) {
      for (const Span& span : t.workers[w].spans) {
        if (!exported(span, o)) continue;
        s.begin('X', kMachinePid);
        s.field("tid", static_cast<std::int64_t>(w) + 1);
        s.micros("ts", span.start);
        s.micros("dur", span.end - span.start);
        const std::string_view lock = span_lock_label(t, span);
        if (lock.empty()) {
          s.field("name", to_string(span.state));
        } else {
          s.field("name", fmt::format("{} {}", to_string(span.state), lock));
        }
        s.field("cat", "state");
        s.end();
      }
    }

    if (o.include_transfers && !t.transfers.empty()) {
      name_event(s, "process_name", kLinesPid, 0, "cachelines");
      sort_event(s, "process_sort_index", kLinesPid, 0, 1);
      std::vector<bool> used(t.lines.size(), false);
      for (const LineTransfer& x : t.transfers) {
        if (x.line < used.size()) used[x.line] = true;
      }
      for (std::size_t l = 0; l < t.lines.size(); ++l) {
        if (!used[l]) continue;
        const int tid = static_cast<int>(l) + 1;
        name_event(s, "thread_name", kLinesPid, tid, t.lines[l].name.empty() ? "line" : t.lines[l].name);
        sort_event(s, "thread_sort_index", kLinesPid, tid, l);
      }
      for (const LineTransfer& x : t.transfers) {
        s.begin('X', kLinesPid);
        s.field("tid", static_cast<std::int64_t>(x.line) + 1);
        s.micros("ts", x.start);
        s.micros("dur", x.end - x.start);
        s.field("name", fmt::format("{} {}->{}", to_string(x.kind), core_name(x.from), core_name(x.to)));
        s.field("cat", "transfer");
        s.raw(fmt::format(",\"args\":{{\"line\":{},\"from\":{},\"to\":{}}}",
                          JsonWriter::escape(x.line < t.lines.size() ? t.lines[x.line].name : ""), x.from, x.to));
        s.end();
      }
    }

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
        s.begin('s', from_tid != 0 ? kMachinePid : kLinesPid);
        s.field("tid", from_tid != 0 ? from_tid : static_cast<std::int64_t>(x.line) + 1);
        s.micros("ts", x.start);
        s.field("id", id);
        s.field("name", "line transfer");
        s.field("cat", "transfer");
        s.end();
        s.begin('f', kMachinePid);
        s.field("tid", to_tid);
        s.micros("ts", x.end);
        s.field("id", id);
        s.field("name", "line transfer");
        s.field("cat", "transfer");
        s.field("bp", "e");
        s.end();
      }
    }

    if (o.include_counters) {
      for (const TimelineCounter& c : t.counters) {
        for (const CounterSample& sample : c.samples) {
          s.begin('C', kMachinePid);
          s.field("name", c.name);
          s.micros("ts", sample.time);
          s.raw(fmt::format(",\"args\":{{\"value\":{}}}", sample.value));
          s.end();
        }
      }
    }
  }
  out << "\n]}\n";
}

}  // namespace lockscope::traces
