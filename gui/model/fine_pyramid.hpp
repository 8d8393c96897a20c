// FinePyramid: a lane's level of detail below the model's base buckets.
//
// TimelineModel's pyramid has 2^14 base buckets per lane whatever the file's
// size. Zoomed in past them, a frame walked every event in view: at 100 M
// events (3 M spans a lane) a view of a sixteenth of the run walked 6 M
// spans, 40 ms. A lane with many events per base bucket also gets this
// pyramid, whose base holds about kEventsPerBucket events a bucket, so that
// folding reaches down to where a pixel holds two events.
//
// Its buckets are small (12 bytes): the events starting in each, and the
// time in each state in 255ths of the bucket's width, which is all a folded
// column needs (its dominant state). A state's time is rounded but never to
// zero, so a column with any time in view is drawn. Level k+1 halves level
// k's times (rounded up) and sums its counts; level k's width is
// width(0) << k, and the top level is finer than the model's base.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "traces/timeline.hpp"

namespace lockscope::gui {

struct FineBucket {
  std::uint32_t count = 0;                                    // events starting in the bucket
  std::array<std::uint8_t, traces::kWorkerStateCount> time{};  // per state, 255 = the whole width
};

class FinePyramid {
 public:
  // Events per base bucket aimed at: at most 2 in a uniformly busy lane, so
  // that wherever a view has more than two events a pixel (where
  // TimelineModel folds rather than walks) a level is fine enough.
  static constexpr double kEventsPerBucket = 2;
  // The fine pyramids of one timeline share a memory budget per event; the
  // largest give up their finest level first (plan_levels).
  static constexpr std::size_t kBytesPerEvent = 4;

  // How many levels a lane of `events` events over [0, end) wants below a
  // pyramid whose base buckets are `coarse_width` wide: 0 when that base
  // holds at most kEventsPerBucket events a bucket.
  [[nodiscard]] static int levels_for(std::size_t events, std::uint64_t end, std::uint64_t coarse_width);
  // Buckets in each of the `levels` levels, base first.
  [[nodiscard]] static std::vector<std::size_t> level_sizes(std::uint64_t end, std::uint64_t coarse_width, int levels);
  // Bytes of a pyramid of `levels` levels.
  [[nodiscard]] static std::size_t bytes_for(std::uint64_t end, std::uint64_t coarse_width, int levels);
  // Levels for each of a timeline's lanes (events per lane), within
  // kBytesPerEvent bytes per event of the whole timeline.
  [[nodiscard]] static std::vector<int> plan_levels(const std::vector<std::size_t>& events, std::uint64_t end,
                                                    std::uint64_t coarse_width);

  FinePyramid() = default;
  // Zeroed levels; level 0 is coarse_width >> levels wide.
  FinePyramid(std::uint64_t end, std::uint64_t coarse_width, int levels);

  [[nodiscard]] bool empty() const { return levels_.empty(); }
  [[nodiscard]] std::size_t level_count() const { return levels_.size(); }
  [[nodiscard]] std::uint64_t width(std::size_t level) const { return width_ << level; }
  [[nodiscard]] std::span<const FineBucket> level(std::size_t k) const { return levels_[k]; }
  [[nodiscard]] std::size_t bytes() const { return buckets_.capacity() * sizeof(FineBucket); }

  // Building: add_time for disjoint intervals in start order, add_count in
  // any order, then finish() once.
  void add_count(std::uint64_t start);
  void add_time(std::uint64_t start, std::uint64_t end, std::size_t state);
  // add_count(start) and add_time(start, end, state) in one.
  void add_span(std::uint64_t start, std::uint64_t end, std::size_t state);
  void finish();

 private:
  void flush();
  // The base bucket of t: pending_'s or the next when t is in either (spans
  // come by start), else by a division.
  [[nodiscard]] std::size_t bucket_of(std::uint64_t t) const;

  std::uint64_t width_ = 1;
  std::vector<FineBucket> buckets_;  // every level, base first
  std::vector<std::span<FineBucket>> levels_;
  // add_time's bucket in progress and its exact times, quantized by flush().
  std::size_t pending_ = 0;
  std::array<std::uint64_t, traces::kWorkerStateCount> pending_time_{};
};

}  // namespace lockscope::gui
