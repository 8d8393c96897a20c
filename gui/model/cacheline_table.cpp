#include "gui/model/cacheline_table.hpp"

#include <algorithm>
#include <utility>

namespace lockscope::gui {

std::vector<CachelineRow> cacheline_table(const TimelineModel& model, std::uint64_t t0, std::uint64_t t1) {
  if (t1 < t0) std::swap(t0, t1);
  const auto& timeline = model.timeline();
  std::vector<CachelineRow> rows(timeline.lines.size());
  for (std::uint32_t i = 0; i < rows.size(); ++i) rows[i].line = i;
  const auto& tr = timeline.transfers;
  auto it = std::partition_point(tr.begin(), tr.end(), [t0](const traces::LineTransfer& x) { return x.start < t0; });
  for (; it != tr.end() && it->start <= t1; ++it) {
    if (it->line >= rows.size()) continue;
    auto& row = rows[it->line];
    if (it->kind == traces::TransferKind::invalidation) {
      ++row.invalidations;
    } else {
      ++row.transfers;
    }
    if (it->from >= 0) row.cores.insert(static_cast<std::uint32_t>(it->from));
    row.cores.insert(it->to);
  }
  std::erase_if(rows, [](const CachelineRow& r) { return r.transfers + r.invalidations == 0; });
  // As lockscope replay's summary orders its line table.
  std::stable_sort(rows.begin(), rows.end(), [](const CachelineRow& a, const CachelineRow& b) {
    return a.transfers + a.invalidations > b.transfers + b.invalidations;
  });
  return rows;
}

}  // namespace lockscope::gui
