// ViewTransform: the time <-> pixel mapping of the timeline's data area, as
// a small value type. Times are picoseconds (as in traces::Timeline), pixels
// are device-independent x offsets from the data area's left edge.
#pragma once

#include <cstdint>

namespace lockscope::gui {

// static_cast<std::int64_t>(std::floor(x)) for |x| < 2^63, inline: without
// SSE4.1 std::floor is a libm call, made per bucket and per mark of a frame.
[[nodiscard]] inline std::int64_t floor_to_int(double x) {
  const auto i = static_cast<std::int64_t>(x);  // toward zero
  return static_cast<double>(i) > x ? i - 1 : i;
}

class ViewTransform {
 public:
  ViewTransform() = default;
  ViewTransform(double t0, double ps_per_px, double width_px);

  // Shows [begin, end] across `width_px` pixels.
  static ViewTransform fit(std::uint64_t begin, std::uint64_t end, double width_px);

  [[nodiscard]] double to_px(double t) const { return (t - t0_) / ps_per_px_; }
  [[nodiscard]] double to_time(double px) const { return t0_ + px * ps_per_px_; }

  // Zooms by `factor` (> 1 zooms in) keeping the time under `px` fixed.
  [[nodiscard]] ViewTransform zoomed(double px, double factor) const;
  // Moves the view so that content shifts right by `dx` pixels.
  [[nodiscard]] ViewTransform panned(double dx) const;
  [[nodiscard]] ViewTransform resized(double width_px) const;

  [[nodiscard]] double t0() const { return t0_; }
  [[nodiscard]] double t1() const { return t0_ + width_ * ps_per_px_; }
  [[nodiscard]] double ps_per_px() const { return ps_per_px_; }
  [[nodiscard]] double width() const { return width_; }

  // The deepest zoom: 1/64 ps per pixel is far below any event's length.
  static constexpr double kMinPsPerPx = 1.0 / 64.0;

 private:
  double t0_ = 0;
  double ps_per_px_ = 1;
  double width_ = 1;
};

}  // namespace lockscope::gui
