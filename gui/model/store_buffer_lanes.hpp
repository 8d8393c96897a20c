// StoreBufferLanes: a tso run's buffered stores (traces::BufferedStoreRecord)
// indexed for drawing, one lane per core that buffered any. A store is a bar
// from when its core executed it to when the other cores could see it; bars
// that overlap in time (a buffer holding several stores) are stacked in rows,
// the first free row taken, at most kMaxRows (beyond that they share the row
// that frees first). A view with more stores than pixels is drawn from a
// pyramid of coverage buckets instead (whole lane height, one mark per
// pixel column), so a frame costs the pixels, not the stores. Plain C++
// (no Qt), like TimelineModel, which owns one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "traces/timeline.hpp"

namespace lockscope::gui {

// A bar to draw: one store, or stores of one row folded into one pixel
// column (count > 1).
struct StoreMark {
  static constexpr std::uint32_t kAllRows = ~std::uint32_t{0};
  std::uint64_t start = 0;
  std::uint64_t end = 0;  // visible; the run's end for a store that never was
  std::uint32_t row = 0;  // kAllRows: a dense column drawn across the lane
  std::uint32_t count = 1;
  std::size_t store = 0;  // index into Timeline::buffered_stores (the first folded)
  std::uint32_t line = 0;  // its line (the mark's color)
  [[nodiscard]] bool folded() const { return count > 1; }
};

class StoreBufferLanes {
 public:
  static constexpr std::uint32_t kMaxRows = 4;
  static constexpr std::size_t kBaseBuckets = 1U << 12;

  StoreBufferLanes() = default;
  StoreBufferLanes(const traces::Timeline& timeline, std::uint64_t end);

  // The cores with buffered stores, ascending: lane i shows cores()[i].
  [[nodiscard]] const std::vector<std::uint32_t>& cores() const { return cores_; }
  [[nodiscard]] std::size_t size() const { return cores_.size(); }
  // Rows used by lane i (1 to kMaxRows).
  [[nodiscard]] std::uint32_t rows(std::size_t lane) const { return lanes_[lane].rows; }
  [[nodiscard]] std::size_t store_count(std::size_t lane) const { return lanes_[lane].stores.size(); }
  [[nodiscard]] std::uint32_t row_of(std::size_t store) const { return row_[store]; }
  // When a store stops showing: visible, or the run's end.
  [[nodiscard]] std::uint64_t end_of(const traces::BufferedStoreRecord& s) const;

  // The bars of lane i between t0 and t1 across `pixels` columns.
  [[nodiscard]] std::vector<StoreMark> marks(std::size_t lane, double t0, double t1, double pixels) const;
  // The store of lane i, row `row`, buffered at t (the latest stored, if
  // several share the row).
  [[nodiscard]] std::optional<std::size_t> store_at(std::size_t lane, std::uint32_t row, std::uint64_t t) const;
  // The stores of `core` buffered at t (stored <= t < visible), oldest first.
  [[nodiscard]] std::vector<std::size_t> buffered_at(std::uint32_t core, std::uint64_t t) const;

 private:
  // One bucket of the coverage pyramid: how many stores start in it, and
  // the line of one store buffered in it (its color), kNone if none is.
  struct Cell {
    static constexpr std::uint32_t kNone = ~std::uint32_t{0};
    std::uint32_t count = 0;
    std::uint32_t line = kNone;
  };
  struct Lane {
    std::vector<std::size_t> stores;  // by stored
    std::uint64_t longest = 0;        // the longest bar, to bound a search back in time
    std::uint32_t rows = 1;
    std::vector<std::vector<Cell>> levels;  // level 0: kBaseBuckets over [0, end); k + 1 merges pairs of k
  };
  void build_pyramid(Lane& l) const;
  [[nodiscard]] std::vector<StoreMark> folded(const Lane& l, double t0, double t1, double ps_per_px) const;
  // The stores whose bars may cover [a, b]: a range of Lane::stores.
  [[nodiscard]] std::pair<std::size_t, std::size_t> candidates(const Lane& l, std::uint64_t a, std::uint64_t b) const;

  const traces::Timeline* timeline_ = nullptr;
  std::uint64_t end_ = 0;
  std::uint64_t bucket_ = 1;  // level 0's bucket width
  std::vector<std::uint32_t> cores_;
  std::vector<Lane> lanes_;
  std::vector<std::uint32_t> row_;  // per store
};

}  // namespace lockscope::gui
