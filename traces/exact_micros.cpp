#include "traces/exact_micros.hpp"

#include <fmt/format.h>

#include <iterator>

namespace lockscope::traces {

void append_exact_micros(std::string& out, std::uint64_t ps) {
  fmt::format_to(std::back_inserter(out), "{}", ps / 1'000'000);
  std::uint64_t frac = ps % 1'000'000;
  if (frac == 0) return;
  int digits = 6;
  while (frac % 10 == 0) {
    frac /= 10;
    --digits;
  }
  fmt::format_to(std::back_inserter(out), ".{:0{}}", frac, digits);
}

std::string exact_micros(std::uint64_t ps) {
  std::string out;
  append_exact_micros(out, ps);
  return out;
}

}  // namespace lockscope::traces
