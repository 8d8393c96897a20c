#include "traces/timeline_csv.hpp"

#include <fmt/format.h>

#include <ostream>
#include <string>
#include <string_view>

#include "traces/csv.hpp"

namespace lockscope::traces {

void write_transfers_csv(std::ostream& out, const Timeline& t) {
  std::string buf = "start_ps,end_ps,line,line_name,from,to,kind\n";
  for (const LineTransfer& x : t.transfers) {
    const std::string_view name = x.line < t.lines.size() ? std::string_view(t.lines[x.line].name) : std::string_view();
    fmt::format_to(std::back_inserter(buf), "{},{},{},{},{},{},{}\n", x.start, x.end, x.line, csv_field(name), x.from,
                   x.to, to_string(x.kind));
    if (buf.size() >= (1U << 20)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

void write_spans_csv(std::ostream& out, const Timeline& t) {
  std::string buf = "worker,worker_name,core,start_ps,end_ps,state,lock,lock_name\n";
  for (std::size_t w = 0; w < t.workers.size(); ++w) {
    const TimelineWorker& worker = t.workers[w];
    const std::string name = csv_field(worker.name);
    for (const Span& s : worker.spans) {
      fmt::format_to(std::back_inserter(buf), "{},{},{},{},{},{},", w, name, worker.core, s.start, s.end,
                     to_string(s.state));
      if (s.lock != kNoLock) {
        const std::string_view lock = s.lock < t.locks.size() ? std::string_view(t.locks[s.lock].name) : "";
        fmt::format_to(std::back_inserter(buf), "{},{}", s.lock, csv_field(lock));
      } else {
        buf += ',';
      }
      buf += '\n';
      if (buf.size() >= (1U << 20)) {
        out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
        buf.clear();
      }
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

}  // namespace lockscope::traces
