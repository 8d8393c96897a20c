#include "gui/model/time_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace lockscope::gui {
namespace {

struct Unit {
  double ps;
  std::string_view name;
};

// Largest first; the last one also takes everything below it.
constexpr std::array<Unit, 5> kUnits = {
    {{1e12, "s"}, {1e9, "ms"}, {1e6, "µs"}, {1e3, "ns"}, {1, "ps"}}};

const Unit& unit_of_magnitude(double ps) {
  for (const Unit& u : kUnits) {
    if (std::fabs(ps) >= u.ps) return u;
  }
  return kUnits.back();
}

}  // namespace

std::string time_text(double ps) {
  const Unit& u = unit_of_magnitude(ps);
  return fmt::format("{:.4g} {}", ps / u.ps, u.name);
}

std::string time_text(double ps, double unit_of, double resolution) {
  const Unit& u = unit_of_magnitude(unit_of);
  const int decimals =
      resolution >= u.ps ? 0 : std::min(9, static_cast<int>(std::ceil(std::log10(u.ps / resolution))));
  return fmt::format("{:.{}f} {}", ps / u.ps, decimals, u.name);
}

}  // namespace lockscope::gui
