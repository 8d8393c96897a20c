// An axis scale: data value <-> a position in [0, 1] along the axis, and
// the ticks to label. Linear scales tick at 1-2-5 steps; logarithmic ones
// at powers of `base` (2 for core counts, 10 for rates and latencies).
// Qt-free: the painter maps [0, 1] onto pixels.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace lockscope::plot {

struct Tick {
  double value = 0;
  std::string label;
};

class Scale {
 public:
  // [lo, hi] widened to whole ticks; lo < hi after widening.
  [[nodiscard]] static Scale linear(double lo, double hi);
  // lo, hi > 0; widened to powers of `base`.
  [[nodiscard]] static Scale logarithmic(double lo, double hi, double base);
  // Picks for a set of positive-or-zero values: log10 when all are positive
  // and they span more than `log_ratio` (max / min), else linear from 0.
  [[nodiscard]] static Scale for_values(std::span<const double> values, double log_ratio = 20);

  // Ticks exactly at these values (e.g. the core counts of a sweep on a
  // linear axis, instead of 0.5 steps); values outside [lo, hi] are dropped.
  void set_ticks(std::span<const double> values);

  [[nodiscard]] double to_unit(double v) const;  // 0 at lo, 1 at hi
  [[nodiscard]] bool is_log() const { return log_; }
  [[nodiscard]] double lo() const { return lo_; }
  [[nodiscard]] double hi() const { return hi_; }
  [[nodiscard]] const std::vector<Tick>& ticks() const { return ticks_; }
  // Whether a value can be drawn (log scales drop 0 and negatives).
  [[nodiscard]] bool shows(double v) const { return !log_ || v > 0; }

 private:
  double lo_ = 0, hi_ = 1;
  bool log_ = false;
  double base_ = 10;
  std::vector<Tick> ticks_;
};

// 1500 -> "1.5k", 2e6 -> "2M", 0.25 -> "0.25": short labels for ticks.
[[nodiscard]] std::string short_number(double v);

}  // namespace lockscope::plot
