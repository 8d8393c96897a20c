#include "plot/model/scale.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace lockscope::plot {

std::string short_number(double v) {
  const double a = std::fabs(v);
  auto trim = [](std::string s) {
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    return s;
  };
  if (a >= 1e9) return trim(fmt::format("{:.2f}", v / 1e9)) + "G";
  if (a >= 1e6) return trim(fmt::format("{:.2f}", v / 1e6)) + "M";
  if (a >= 1e3) return trim(fmt::format("{:.2f}", v / 1e3)) + "k";
  if (a >= 1 || a == 0) return trim(fmt::format("{:.2f}", v));
  return trim(fmt::format("{:.3g}", v));
}

Scale Scale::linear(double lo, double hi) {
  Scale s;
  if (!(hi > lo)) hi = lo + 1;
  const double span = hi - lo;
  const double raw = span / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (span / step <= 6) break;
  }
  s.lo_ = std::floor(lo / step) * step;
  s.hi_ = std::ceil(hi / step) * step;
  for (double v = s.lo_; v <= s.hi_ + step * 1e-9; v += step) {
    const double clean = std::fabs(v) < step * 1e-9 ? 0 : v;
    s.ticks_.push_back({clean, short_number(clean)});
  }
  return s;
}

Scale Scale::logarithmic(double lo, double hi, double base) {
  Scale s;
  s.log_ = true;
  s.base_ = base;
  lo = std::max(lo, 1e-12);
  hi = std::max(hi, lo);
  const double e_lo = std::floor(std::log(lo) / std::log(base) + 1e-9);
  double e_hi = std::ceil(std::log(hi) / std::log(base) - 1e-9);
  if (e_hi <= e_lo) e_hi = e_lo + 1;
  s.lo_ = std::pow(base, e_lo);
  s.hi_ = std::pow(base, e_hi);
  for (double e = e_lo; e <= e_hi + 1e-9; e += 1) {
    const double v = std::pow(base, e);
    s.ticks_.push_back({v, short_number(v)});
  }
  return s;
}

Scale Scale::for_values(std::span<const double> values, double log_ratio) {
  double lo = 0, hi = 0;
  bool any = false, all_positive = true;
  for (const double v : values) {
    if (!std::isfinite(v)) continue;
    if (v <= 0) all_positive = false;
    lo = any ? std::min(lo, v) : v;
    hi = any ? std::max(hi, v) : v;
    any = true;
  }
  if (!any) return linear(0, 1);
  if (all_positive && hi / lo > log_ratio) return logarithmic(lo, hi, 10);
  return linear(std::min(0.0, lo), hi > 0 ? hi * 1.05 : 1);
}

void Scale::set_ticks(std::span<const double> values) {
  ticks_.clear();
  for (const double v : values) {
    if (v >= lo_ && v <= hi_) ticks_.push_back({v, short_number(v)});
  }
}

double Scale::to_unit(double v) const {
  if (log_) return (std::log(v) - std::log(lo_)) / (std::log(hi_) - std::log(lo_));
  return (v - lo_) / (hi_ - lo_);
}

}  // namespace lockscope::plot
