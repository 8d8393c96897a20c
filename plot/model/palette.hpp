// The lock palette: one color and one marker per lock name, the same in
// every plot (and for any future figure), so a reader learns "blue circle =
// graph" once. Families share a hue: the graph lock and its variants are
// blues, shared-counter designs (central, pthread, std::shared_mutex, TBB,
// ck_rwlock) are reds and oranges, per-reader-slot designs (brlock,
// ck_brlock) greens, RCU purple. A name outside the table gets a color and
// marker from a fallback list by a stable hash of the name, so it is still
// the same in every plot. Qt-free; the painter converts.
#pragma once

#include <cstdint>
#include <string_view>

namespace lockscope::plot {

enum class Marker : std::uint8_t { circle, square, triangle_up, diamond, triangle_down, cross, plus, star };

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

struct LockStyle {
  Rgb color;
  Marker marker = Marker::circle;
};

[[nodiscard]] LockStyle lock_style(std::string_view lock);

// Line dash per variant (the i-th combination of swept --set values):
// solid, dashed, dotted, dash-dot, then round again.
enum class Dash : std::uint8_t { solid, dashed, dotted, dash_dot };
[[nodiscard]] Dash variant_dash(std::size_t variant);

}  // namespace lockscope::plot
