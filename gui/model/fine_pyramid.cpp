#include "gui/model/fine_pyramid.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <queue>
#include <utility>

namespace lockscope::gui {

int FinePyramid::levels_for(std::size_t events, std::uint64_t end, std::uint64_t coarse_width) {
  if (coarse_width < 2 || end == 0) return 0;
  const std::uint64_t coarse_buckets = (end + coarse_width - 1) / coarse_width;
  const double per_bucket = static_cast<double>(events) / static_cast<double>(coarse_buckets);
  if (!(per_bucket > kEventsPerBucket)) return 0;
  const int wanted = static_cast<int>(std::ceil(std::log2(per_bucket / kEventsPerBucket)));
  const int possible = static_cast<int>(std::bit_width(coarse_width)) - 1;  // level 0 at least 1 ps wide
  return std::min({wanted, possible, 24});
}

std::vector<std::size_t> FinePyramid::level_sizes(std::uint64_t end, std::uint64_t coarse_width, int levels) {
  std::vector<std::size_t> sizes;
  for (int k = 0; k < levels; ++k) {
    const std::uint64_t w = (coarse_width >> levels) << k;
    sizes.push_back(static_cast<std::size_t>(std::max<std::uint64_t>(1, (end + w - 1) / w)));
  }
  return sizes;
}

std::size_t FinePyramid::bytes_for(std::uint64_t end, std::uint64_t coarse_width, int levels) {
  const auto sizes = level_sizes(end, coarse_width, levels);
  return std::accumulate(sizes.begin(), sizes.end(), std::size_t{0}) * sizeof(FineBucket);
}

std::vector<int> FinePyramid::plan_levels(const std::vector<std::size_t>& events, std::uint64_t end,
                                          std::uint64_t coarse_width) {
  std::vector<int> levels(events.size(), 0);
  std::size_t total_events = 0;
  std::size_t bytes = 0;
  // Largest pyramid first; ties: the first lane.
  using Entry = std::pair<std::size_t, std::size_t>;  // bytes, lane (inverted for ties)
  std::priority_queue<Entry> largest;
  for (std::size_t i = 0; i < events.size(); ++i) {
    levels[i] = levels_for(events[i], end, coarse_width);
    total_events += events[i];
    const std::size_t b = bytes_for(end, coarse_width, levels[i]);
    bytes += b;
    if (levels[i] > 0) largest.emplace(b, events.size() - 1 - i);
  }
  const std::size_t budget = kBytesPerEvent * total_events;
  while (bytes > budget && !largest.empty()) {
    const std::size_t i = events.size() - 1 - largest.top().second;
    largest.pop();
    const std::size_t before = bytes_for(end, coarse_width, levels[i]);
    --levels[i];
    const std::size_t after = bytes_for(end, coarse_width, levels[i]);
    bytes -= before - after;
    if (levels[i] > 0) largest.emplace(after, events.size() - 1 - i);
  }
  return levels;
}

FinePyramid::FinePyramid(std::uint64_t end, std::uint64_t coarse_width, int levels) {
  if (levels <= 0) return;
  width_ = coarse_width >> levels;
  const auto sizes = level_sizes(end, coarse_width, levels);
  buckets_.resize(std::accumulate(sizes.begin(), sizes.end(), std::size_t{0}));
  std::size_t offset = 0;
  for (const std::size_t n : sizes) {
    levels_.emplace_back(buckets_.data() + offset, n);
    offset += n;
  }
}

void FinePyramid::add_count(std::uint64_t start) { levels_[0][bucket_of(start)].count += 1; }

std::size_t FinePyramid::bucket_of(std::uint64_t t) const {
  const std::size_t last = levels_[0].size() - 1;
  const std::uint64_t pending_start = pending_ * width_;
  // A 64-bit division per span was most of building the pyramid.
  if (t >= pending_start && t - pending_start < width_) return pending_;
  if (t >= pending_start + width_ && t - pending_start - width_ < width_) return std::min(pending_ + 1, last);
  return std::min<std::size_t>(t / width_, last);
}

void FinePyramid::add_span(std::uint64_t start, std::uint64_t end, std::size_t state) {
  add_count(start);
  add_time(start, end, state);
}

void FinePyramid::add_time(std::uint64_t start, std::uint64_t end, std::size_t state) {
  if (end <= start) return;
  const auto base = levels_[0];
  std::size_t b = bucket_of(start);
  if (b != pending_) {
    flush();
    pending_ = b;
  }
  std::uint64_t t = start;
  for (;;) {
    const std::uint64_t bucket_end = (b + 1) * width_;
    pending_time_[state] += std::min(end, bucket_end) - t;
    if (end <= bucket_end || b + 1 >= base.size()) return;
    flush();
    pending_ = ++b;
    t = bucket_end;
  }
}

void FinePyramid::flush() {
  auto& bucket = levels_[0][pending_];
  const double scale = 255.0 / static_cast<double>(width_);
  for (std::size_t s = 0; s < pending_time_.size(); ++s) {
    const std::uint64_t t = pending_time_[s];
    if (t == 0) continue;
    // Never rounded to zero: a column with time in view is drawn.
    const double q = std::clamp(std::round(static_cast<double>(t) * scale), 1.0, 255.0);
    bucket.time[s] = static_cast<std::uint8_t>(std::min(255, bucket.time[s] + static_cast<int>(q)));
    pending_time_[s] = 0;
  }
}

void FinePyramid::finish() {
  if (levels_.empty()) return;
  flush();
  for (std::size_t k = 1; k < levels_.size(); ++k) {
    const auto below = levels_[k - 1];
    const auto up = levels_[k];
    for (std::size_t j = 0; j < up.size(); ++j) {
      FineBucket m = below[2 * j];
      if (2 * j + 1 < below.size()) {
        const FineBucket& r = below[2 * j + 1];
        m.count += r.count;
        for (std::size_t s = 0; s < m.time.size(); ++s) {
          m.time[s] = static_cast<std::uint8_t>((m.time[s] + r.time[s] + 1) / 2);
        }
      } else {
        for (auto& t : m.time) t = static_cast<std::uint8_t>((t + 1) / 2);
      }
      up[j] = m;
    }
  }
}

}  // namespace lockscope::gui
