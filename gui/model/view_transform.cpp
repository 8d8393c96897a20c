#include "gui/model/view_transform.hpp"

#include <algorithm>

namespace lockscope::gui {

ViewTransform::ViewTransform(double t0, double ps_per_px, double width_px)
    : t0_(t0), ps_per_px_(std::max(ps_per_px, kMinPsPerPx)), width_(std::max(width_px, 1.0)) {}

ViewTransform ViewTransform::fit(std::uint64_t begin, std::uint64_t end, double width_px) {
  const double w = std::max(width_px, 1.0);
  const double span = end > begin ? static_cast<double>(end - begin) : 1.0;
  return {static_cast<double>(begin), span / w, w};
}

ViewTransform ViewTransform::zoomed(double px, double factor) const {
  if (factor <= 0) return *this;
  const double anchor = to_time(px);
  const double scale = std::max(ps_per_px_ / factor, kMinPsPerPx);
  return {anchor - px * scale, scale, width_};
}

ViewTransform ViewTransform::panned(double dx) const { return {t0_ - dx * ps_per_px_, ps_per_px_, width_}; }

ViewTransform ViewTransform::resized(double width_px) const { return {t0_, ps_per_px_, width_px}; }

}  // namespace lockscope::gui
