#include "traces/paje_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "traces/exact_micros.hpp"

namespace lockscope::traces {
namespace {

// Event ids used in the body; the header defines them with these fields in
// this order.
enum PajeEvent : int {
  kDefineContainerType = 0,
  kDefineStateType = 1,
  kDefineLinkType = 2,
  kDefineVariableType = 3,
  kDefineEntityValue = 4,
  kCreateContainer = 5,
  kDestroyContainer = 6,
  kPushState = 7,
  kPopState = 8,
  kStartLink = 9,
  kEndLink = 10,
  kSetVariable = 11,
};

constexpr std::string_view kHeader =
    "%EventDef PajeDefineContainerType 0\n%  Alias string\n%  Type string\n%  Name string\n%EndEventDef\n"
    "%EventDef PajeDefineStateType 1\n%  Alias string\n%  Type string\n%  Name string\n%EndEventDef\n"
    "%EventDef PajeDefineLinkType 2\n%  Alias string\n%  Type string\n%  StartContainerType string\n"
    "%  EndContainerType string\n%  Name string\n%EndEventDef\n"
    "%EventDef PajeDefineVariableType 3\n%  Alias string\n%  Type string\n%  Name string\n%  Color color\n"
    "%EndEventDef\n"
    "%EventDef PajeDefineEntityValue 4\n%  Alias string\n%  Type string\n%  Name string\n%  Color color\n"
    "%EndEventDef\n"
    "%EventDef PajeCreateContainer 5\n%  Time date\n%  Alias string\n%  Type string\n%  Container string\n"
    "%  Name string\n%EndEventDef\n"
    "%EventDef PajeDestroyContainer 6\n%  Time date\n%  Type string\n%  Name string\n%EndEventDef\n"
    "%EventDef PajePushState 7\n%  Time date\n%  Container string\n%  Type string\n%  Value string\n%EndEventDef\n"
    "%EventDef PajePopState 8\n%  Time date\n%  Container string\n%  Type string\n%EndEventDef\n"
    "%EventDef PajeStartLink 9\n%  Time date\n%  Container string\n%  Type string\n%  StartContainer string\n"
    "%  Value string\n%  Key string\n%EndEventDef\n"
    "%EventDef PajeEndLink 10\n%  Time date\n%  Container string\n%  Type string\n%  EndContainer string\n"
    "%  Value string\n%  Key string\n%EndEventDef\n"
    "%EventDef PajeSetVariable 11\n%  Time date\n%  Container string\n%  Type string\n%  Value double\n"
    "%EndEventDef\n";

// Colours as Pajé wants them: red green blue in [0, 1].
constexpr std::array<const char*, kWorkerStateCount> kStateColors = {
    "0.75 0.75 0.75",  // running: grey
    "0.20 0.65 0.25",  // reading: green
    "0.95 0.80 0.20",  // waiting_read: yellow
    "0.95 0.55 0.10",  // queued_read: orange
    "0.55 0.35 0.75",  // waiting_write: purple
    "0.90 0.30 0.60",  // draining: pink
    "0.85 0.15 0.15",  // writing: red
};
constexpr std::array<const char*, kTransferKindCount> kKindColors = {
    "0.25 0.45 0.85",  // read_share: blue
    "0.85 0.20 0.20",  // ownership: red
    "0.60 0.60 0.10",  // invalidation: olive
    "0.40 0.40 0.40",  // fill: dark grey
};
constexpr std::array<const char*, 6> kCounterColors = {
    "0.20 0.65 0.25", "0.95 0.55 0.10", "0.55 0.35 0.75", "0.25 0.45 0.85", "0.85 0.15 0.15", "0.40 0.40 0.40",
};

// A Pajé string: double-quoted, with no quote or line break inside (the
// format has no escapes).
std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (const char c : s) {
    if (c == '"') {
      out.push_back('\'');
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// One body event, to be sorted by time. `order` breaks ties (see the header);
// `index` is a worker, line, transfer or counter, `sample` a sample.
struct Pending {
  enum Kind : std::uint8_t { pop_worker, pop_line, start_link, end_link, set_variable, push_worker, push_line };
  std::uint64_t time;
  Kind kind;
  std::uint32_t index;
  std::uint64_t detail;  // span index, or sample index
};

int order(Pending::Kind k) {
  switch (k) {
    case Pending::pop_worker:
    case Pending::pop_line: return 0;
    case Pending::start_link: return 1;
    case Pending::end_link: return 2;
    case Pending::set_variable: return 3;
    case Pending::push_worker:
    case Pending::push_line: return 4;
  }
  return 5;
}

std::string core_alias(std::int64_t core) { return core < 0 ? std::string("mem") : fmt::format("c{}", core); }

}  // namespace

void write_paje(std::ostream& os, const Timeline& t) {
  std::string out(kHeader);
  out += "# lockscope timeline; times in microseconds\n";
  const auto line = [&out](auto&&... parts) {
    bool first = true;
    ((out += first ? "" : " ", out += parts, first = false), ...);
    out += '\n';
  };
  const auto ev = [](PajeEvent e) { return std::to_string(static_cast<int>(e)); };

  // Types.
  line(ev(kDefineContainerType), "M", "0", quote("Machine"));
  line(ev(kDefineContainerType), "C", "M", quote("Core"));
  line(ev(kDefineContainerType), "W", "C", quote("Worker"));
  line(ev(kDefineContainerType), "MEM", "M", quote("Memory"));
  line(ev(kDefineContainerType), "L", "M", quote("Line"));
  line(ev(kDefineStateType), "WS", "W", quote("Worker state"));
  line(ev(kDefineStateType), "LS", "L", quote("Line transfer"));
  line(ev(kDefineLinkType), "LT", "M", "C", "C", quote("Transfer"));
  line(ev(kDefineLinkType), "LM", "M", "MEM", "C", quote("Fill"));
  for (int s = 0; s < kWorkerStateCount; ++s) {
    const char* name = to_string(static_cast<WorkerState>(s));
    line(ev(kDefineEntityValue), fmt::format("s{}", s), "WS", quote(name),
         quote(kStateColors[static_cast<std::size_t>(s)]));
  }
  // A span about a named lock (a recording: span_lock_label) gets a value of
  // its own, "reading cache_lock", coloured as its state; defined only for
  // the pairs that occur, in (state, lock) order.
  std::vector<std::pair<int, std::uint32_t>> named;
  for (const TimelineWorker& w : t.workers) {
    for (const Span& span : w.spans) {
      if (!span_lock_label(t, span).empty()) named.emplace_back(static_cast<int>(span.state), span.lock);
    }
  }
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  for (const auto& [state, lock] : named) {
    line(ev(kDefineEntityValue), fmt::format("s{}l{}", state, lock), "WS",
         quote(fmt::format("{} {}", to_string(static_cast<WorkerState>(state)), t.locks[lock].name)),
         quote(kStateColors[static_cast<std::size_t>(state)]));
  }
  for (int k = 0; k < kTransferKindCount; ++k) {
    const char* name = to_string(static_cast<TransferKind>(k));
    const char* color = kKindColors[static_cast<std::size_t>(k)];
    line(ev(kDefineEntityValue), fmt::format("ls{}", k), "LS", quote(name), quote(color));
    line(ev(kDefineEntityValue), fmt::format("lt{}", k), "LT", quote(name), quote(color));
    line(ev(kDefineEntityValue), fmt::format("lm{}", k), "LM", quote(name), quote(color));
  }
  for (std::size_t c = 0; c < t.counters.size(); ++c) {
    line(ev(kDefineVariableType), fmt::format("V{}", c), "M", quote(t.counters[c].name),
         quote(kCounterColors[c % kCounterColors.size()]));
  }

  // Containers, all created at time 0 and destroyed at the end.
  std::uint64_t end = t.end_time;
  for (const TimelineWorker& w : t.workers) {
    if (!w.spans.empty()) end = std::max(end, w.spans.back().end);
  }
  for (const LineTransfer& x : t.transfers) end = std::max(end, x.end);
  for (const TimelineCounter& c : t.counters) {
    if (!c.samples.empty()) end = std::max(end, c.samples.back().time);
  }

  std::vector<bool> core_used(t.cores, false);
  bool memory_used = false;
  std::vector<bool> line_used(t.lines.size(), false);
  for (const TimelineWorker& w : t.workers) {
    if (w.core < t.cores) core_used[w.core] = true;
  }
  for (const LineTransfer& x : t.transfers) {
    if (x.line < line_used.size()) line_used[x.line] = true;
    if (x.to < t.cores) core_used[x.to] = true;
    if (x.from < 0) memory_used = true;
    if (x.from >= 0 && static_cast<std::uint64_t>(x.from) < t.cores) core_used[static_cast<std::size_t>(x.from)] = true;
  }

  const std::string machine = t.lock.empty() ? t.machine : fmt::format("{}: {}", t.machine, t.lock);
  line(ev(kCreateContainer), "0", "m", "M", "0", quote(machine.empty() ? "machine" : machine));
  for (std::uint32_t c = 0; c < t.cores; ++c) {
    if (core_used[c]) line(ev(kCreateContainer), "0", core_alias(c), "C", "m", quote(fmt::format("core {}", c)));
  }
  if (memory_used) line(ev(kCreateContainer), "0", "mem", "MEM", "m", quote("memory"));
  for (std::size_t w = 0; w < t.workers.size(); ++w) {
    line(ev(kCreateContainer), "0", fmt::format("w{}", w), "W", core_alias(t.workers[w].core),
         quote(t.workers[w].name.empty() ? fmt::format("worker {}", w) : t.workers[w].name));
  }
  for (std::size_t l = 0; l < t.lines.size(); ++l) {
    if (line_used[l]) {
      line(ev(kCreateContainer), "0", fmt::format("l{}", l), "L", "m",
           quote(t.lines[l].name.empty() ? fmt::format("line {}", l) : t.lines[l].name));
    }
  }

  // The body, in time order.
  std::vector<Pending> pending;
  {
    std::size_t n = 2 * t.transfers.size() * 2;
    for (const TimelineWorker& w : t.workers) n += 2 * w.spans.size();
    for (const TimelineCounter& c : t.counters) n += c.samples.size();
    pending.reserve(n);
  }
  for (std::uint32_t w = 0; w < t.workers.size(); ++w) {
    const std::vector<Span>& spans = t.workers[w].spans;
    for (std::size_t s = 0; s < spans.size(); ++s) {
      if (spans[s].end == spans[s].start) continue;
      pending.push_back({spans[s].start, Pending::push_worker, w, s});
      pending.push_back({spans[s].end, Pending::pop_worker, w, s});
    }
  }
  for (std::uint32_t i = 0; i < t.transfers.size(); ++i) {
    const LineTransfer& x = t.transfers[i];
    pending.push_back({x.start, Pending::start_link, i, 0});
    pending.push_back({x.end, Pending::end_link, i, 0});
    if (x.end != x.start) {
      pending.push_back({x.start, Pending::push_line, i, 0});
      pending.push_back({x.end, Pending::pop_line, i, 0});
    }
  }
  for (std::uint32_t c = 0; c < t.counters.size(); ++c) {
    for (std::size_t s = 0; s < t.counters[c].samples.size(); ++s) {
      pending.push_back({t.counters[c].samples[s].time, Pending::set_variable, c, s});
    }
  }
  std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    if (a.time != b.time) return a.time < b.time;
    return order(a.kind) < order(b.kind);
  });

  std::string time;
  for (const Pending& p : pending) {
    time.clear();
    append_exact_micros(time, p.time);
    switch (p.kind) {
      case Pending::push_worker: {
        const Span& span = t.workers[p.index].spans[p.detail];
        const auto state = static_cast<int>(span.state);
        const std::string value = span_lock_label(t, span).empty() ? fmt::format("s{}", state)
                                                                    : fmt::format("s{}l{}", state, span.lock);
        line(ev(kPushState), time, fmt::format("w{}", p.index), "WS", value);
        break;
      }
      case Pending::pop_worker: line(ev(kPopState), time, fmt::format("w{}", p.index), "WS"); break;
      case Pending::push_line: {
        const LineTransfer& x = t.transfers[p.index];
        line(ev(kPushState), time, fmt::format("l{}", x.line), "LS", fmt::format("ls{}", static_cast<int>(x.kind)));
        break;
      }
      case Pending::pop_line: line(ev(kPopState), time, fmt::format("l{}", t.transfers[p.index].line), "LS"); break;
      case Pending::start_link: {
        const LineTransfer& x = t.transfers[p.index];
        const bool fill = x.from < 0;
        line(ev(kStartLink), time, "m", fill ? "LM" : "LT", core_alias(x.from),
             fmt::format("{}{}", fill ? "lm" : "lt", static_cast<int>(x.kind)), fmt::format("k{}", p.index));
        break;
      }
      case Pending::end_link: {
        const LineTransfer& x = t.transfers[p.index];
        const bool fill = x.from < 0;
        line(ev(kEndLink), time, "m", fill ? "LM" : "LT", core_alias(x.to),
             fmt::format("{}{}", fill ? "lm" : "lt", static_cast<int>(x.kind)), fmt::format("k{}", p.index));
        break;
      }
      case Pending::set_variable:
        line(ev(kSetVariable), time, "m", fmt::format("V{}", p.index),
             fmt::format("{}", t.counters[p.index].samples[p.detail].value));
        break;
    }
    if (out.size() >= (1U << 20)) {
      os.write(out.data(), static_cast<std::streamsize>(out.size()));
      out.clear();
    }
  }

  // Destroy children before their parents.
  std::string end_time;
  append_exact_micros(end_time, end);
  for (std::size_t w = 0; w < t.workers.size(); ++w) line(ev(kDestroyContainer), end_time, "W", fmt::format("w{}", w));
  for (std::size_t l = 0; l < t.lines.size(); ++l) {
    if (line_used[l]) line(ev(kDestroyContainer), end_time, "L", fmt::format("l{}", l));
  }
  if (memory_used) line(ev(kDestroyContainer), end_time, "MEM", "mem");
  for (std::uint32_t c = 0; c < t.cores; ++c) {
    if (core_used[c]) line(ev(kDestroyContainer), end_time, "C", core_alias(c));
  }
  line(ev(kDestroyContainer), end_time, "M", "m");
  os.write(out.data(), static_cast<std::streamsize>(out.size()));
}

}  // namespace lockscope::traces
