#include "engine/stats/human_count.hpp"

#include <fmt/format.h>

namespace lockscope::engine::stats {

std::string human_count(double v) {
  if (v >= 1e9) return fmt::format("{:.2f} G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f} M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.2f} k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

std::string human_count(double v, std::string_view unit) {
  std::string out = human_count(v);
  if (v < 1e3) out += ' ';
  out += unit;
  return out;
}

}  // namespace lockscope::engine::stats
