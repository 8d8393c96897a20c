#include "traces/cacheline_table.hpp"

#include <algorithm>
#include <utility>

namespace lockscope::traces {
namespace {

// A handful of cores per line, so a sorted vector; no bitmap sized by a
// core number that an in-memory timeline need not bound.
void add_core(std::vector<std::uint32_t>& cores, std::uint32_t core) {
  const auto it = std::lower_bound(cores.begin(), cores.end(), core);
  if (it == cores.end() || *it != core) cores.insert(it, core);
}

}  // namespace

std::vector<CachelineRow> cacheline_table(std::vector<CachelineRow> lines) {
  std::erase_if(lines, [](const CachelineRow& r) { return r.traffic() == 0; });
  std::stable_sort(lines.begin(), lines.end(),
                   [](const CachelineRow& a, const CachelineRow& b) { return a.traffic() > b.traffic(); });
  return lines;
}

std::vector<CachelineRow> cacheline_table(const Timeline& timeline, std::uint64_t t0, std::uint64_t t1) {
  if (t1 < t0) std::swap(t0, t1);
  std::vector<CachelineRow> rows(timeline.lines.size());
  for (std::uint32_t i = 0; i < rows.size(); ++i) {
    rows[i].line = i;
    rows[i].name = timeline.lines[i].name;
  }
  const auto& tr = timeline.transfers;
  auto it = std::partition_point(tr.begin(), tr.end(), [t0](const LineTransfer& x) { return x.start < t0; });
  for (; it != tr.end() && it->start <= t1; ++it) {
    if (it->line >= rows.size()) continue;
    CachelineRow& row = rows[it->line];
    if (it->kind == TransferKind::invalidation) {
      ++row.invalidations;
    } else {
      ++row.transfers;
    }
    if (it->from >= 0) add_core(row.cores, static_cast<std::uint32_t>(it->from));
    add_core(row.cores, it->to);
  }
  return cacheline_table(std::move(rows));
}

}  // namespace lockscope::traces
