#include "gui/model/store_buffer_lanes.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

namespace lockscope::gui {

StoreBufferLanes::StoreBufferLanes(const traces::Timeline& timeline, std::uint64_t end)
    : timeline_(&timeline), end_(end) {
  const auto& stores = timeline.buffered_stores;
  std::map<std::uint32_t, std::size_t> lane_of;  // a file may name any core up to 2^32 - 1
  for (const auto& s : stores) lane_of.emplace(s.core, 0);
  for (auto& [core, lane] : lane_of) {
    lane = cores_.size();
    cores_.push_back(core);
  }
  lanes_.resize(cores_.size());
  row_.assign(stores.size(), 0);
  // Per lane, when each row frees.
  std::vector<std::array<std::uint64_t, kMaxRows>> frees(cores_.size());
  for (auto& f : frees) f.fill(0);
  for (std::size_t i = 0; i < stores.size(); ++i) {
    const auto& s = stores[i];
    const std::size_t lane = lane_of[s.core];
    Lane& l = lanes_[lane];
    l.stores.push_back(i);
    const std::uint64_t stop = end_of(s);
    l.longest = std::max(l.longest, stop - std::min(stop, s.stored));
    auto& f = frees[lane];
    // The first free row, else the one that frees first (bars overlap there).
    std::uint32_t row = 0;
    while (row < kMaxRows && f[row] > s.stored) ++row;
    if (row == kMaxRows) row = static_cast<std::uint32_t>(std::min_element(f.begin(), f.end()) - f.begin());
    f[row] = std::max(stop, s.stored + 1);
    row_[i] = row;
    l.rows = std::max(l.rows, row + 1);
  }
  bucket_ = std::max<std::uint64_t>(1, (end_ + kBaseBuckets - 1) / kBaseBuckets);
  for (Lane& l : lanes_) build_pyramid(l);
}

void StoreBufferLanes::build_pyramid(Lane& l) const {
  const auto& stores = timeline_->buffered_stores;
  std::vector<Cell> base(kBaseBuckets);
  // Stores come by start, so an earlier one that reached `covered` started
  // no later than this one: the buckets from this one's start to `covered`
  // are taken, and each bucket is written once.
  std::size_t covered = 0;
  bool any = false;
  for (const std::size_t i : l.stores) {
    const auto& s = stores[i];
    const std::size_t first = std::min<std::uint64_t>(s.stored / bucket_, kBaseBuckets - 1);
    const std::size_t last = std::min<std::uint64_t>(end_of(s) / bucket_, kBaseBuckets - 1);
    ++base[first].count;
    for (std::size_t b = any ? std::max(first, covered + 1) : first; b <= last; ++b) {
      base[b].line = s.line;
    }
    covered = any ? std::max(covered, last) : last;
    any = true;
  }
  l.levels.push_back(std::move(base));
  while (l.levels.back().size() > 1) {
    const auto& below = l.levels.back();
    std::vector<Cell> up((below.size() + 1) / 2);
    for (std::size_t k = 0; k < up.size(); ++k) {
      const Cell& a = below[2 * k];
      const Cell b = 2 * k + 1 < below.size() ? below[2 * k + 1] : Cell{};
      up[k] = {a.count + b.count, a.line != Cell::kNone ? a.line : b.line};
    }
    l.levels.push_back(std::move(up));
  }
}

std::vector<StoreMark> StoreBufferLanes::folded(const Lane& l, double t0, double t1, double ps_per_px) const {
  std::vector<StoreMark> out;
  std::size_t level = 0;
  while (level + 1 < l.levels.size() && static_cast<double>(bucket_ << (level + 1)) <= ps_per_px) ++level;
  const std::uint64_t width = bucket_ << level;
  const auto& cells = l.levels[level];
  const std::size_t k0 = static_cast<std::size_t>(std::max(t0, 0.0) / static_cast<double>(width));
  const std::size_t k1 = std::min(cells.size(), static_cast<std::size_t>(std::max(t1, 0.0) / static_cast<double>(width)) + 1);
  const auto column = [&](std::uint64_t t) { return std::floor((static_cast<double>(t) - t0) / ps_per_px); };
  for (std::size_t k = k0; k < k1; ++k) {
    const Cell& c = cells[k];
    if (c.line == Cell::kNone) continue;
    const std::uint64_t start = k * width;
    const std::uint64_t end = std::min(end_, start + width);
    // Adjacent buckets merge within a pixel column, and across columns when
    // their stores are to the same line (one color): a busy buffer is one
    // band, not a mark per pixel.
    if (!out.empty() && out.back().end == start &&
        (column(start) <= column(out.back().start) || out.back().line == c.line)) {
      out.back().end = end;
      out.back().count += c.count;
      continue;
    }
    out.push_back({start, end, StoreMark::kAllRows, std::max<std::uint32_t>(c.count, 2), 0, c.line});
  }
  return out;
}

std::uint64_t StoreBufferLanes::end_of(const traces::BufferedStoreRecord& s) const {
  return s.visible == traces::kNeverVisible ? std::max(end_, s.stored) : s.visible;
}

std::pair<std::size_t, std::size_t> StoreBufferLanes::candidates(const Lane& l, std::uint64_t a,
                                                                 std::uint64_t b) const {
  const auto& stores = timeline_->buffered_stores;
  const std::uint64_t from = a > l.longest ? a - l.longest : 0;
  const auto lo = std::partition_point(l.stores.begin(), l.stores.end(),
                                       [&](std::size_t i) { return stores[i].stored < from; });
  const auto hi = std::partition_point(lo, l.stores.end(), [&](std::size_t i) { return stores[i].stored <= b; });
  return {static_cast<std::size_t>(lo - l.stores.begin()), static_cast<std::size_t>(hi - l.stores.begin())};
}

std::vector<StoreMark> StoreBufferLanes::marks(std::size_t lane, double t0, double t1, double pixels) const {
  std::vector<StoreMark> out;
  if (lane >= lanes_.size() || !(t1 > t0) || !(pixels > 0)) return out;
  const Lane& l = lanes_[lane];
  const auto& stores = timeline_->buffered_stores;
  const double ps_per_px = (t1 - t0) / pixels;
  const auto a = static_cast<std::uint64_t>(std::max(t0, 0.0));
  const auto b = static_cast<std::uint64_t>(std::max(std::ceil(t1), 0.0));
  const auto [lo, hi] = candidates(l, a, b);
  // Many more stores than pixels: the pyramid (a column's worth at a time).
  if (static_cast<double>(hi - lo) > 4 * pixels + 4 && static_cast<double>(bucket_) <= ps_per_px) {
    return folded(l, t0, t1, ps_per_px);
  }
  const auto column = [&](std::uint64_t t) { return std::floor((static_cast<double>(t) - t0) / ps_per_px); };
  // The last mark of each row: a store that starts in the pixel column where
  // that mark ends folds into it.
  std::array<std::size_t, kMaxRows> last{};
  last.fill(SIZE_MAX);
  for (std::size_t k = lo; k < hi; ++k) {
    const std::size_t i = l.stores[k];
    const auto& s = stores[i];
    const std::uint64_t stop = end_of(s);
    if (stop < a) continue;
    const std::uint32_t row = row_[i];
    if (last[row] != SIZE_MAX) {
      StoreMark& m = out[last[row]];
      if (column(s.stored) <= column(m.end)) {
        m.end = std::max(m.end, stop);
        ++m.count;
        continue;
      }
    }
    last[row] = out.size();
    out.push_back({s.stored, stop, row, 1, i, s.line});
  }
  return out;
}

std::optional<std::size_t> StoreBufferLanes::store_at(std::size_t lane, std::uint32_t row, std::uint64_t t) const {
  if (lane >= lanes_.size()) return std::nullopt;
  const Lane& l = lanes_[lane];
  const auto& stores = timeline_->buffered_stores;
  const auto [lo, hi] = candidates(l, t, t);
  for (std::size_t k = hi; k > lo; --k) {
    const std::size_t i = l.stores[k - 1];
    if (row_[i] == row && stores[i].stored <= t && t <= end_of(stores[i])) return i;
  }
  return std::nullopt;
}

std::vector<std::size_t> StoreBufferLanes::buffered_at(std::uint32_t core, std::uint64_t t) const {
  std::vector<std::size_t> out;
  const auto it = std::lower_bound(cores_.begin(), cores_.end(), core);
  if (it == cores_.end() || *it != core) return out;
  const Lane& l = lanes_[static_cast<std::size_t>(it - cores_.begin())];
  const auto& stores = timeline_->buffered_stores;
  const auto [lo, hi] = candidates(l, t, t);
  for (std::size_t k = lo; k < hi; ++k) {
    const std::size_t i = l.stores[k];
    if (stores[i].stored <= t && t < end_of(stores[i])) out.push_back(i);
  }
  return out;
}

}  // namespace lockscope::gui
