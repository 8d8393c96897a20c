#include "record/interposer/clock.hpp"

#include <cstdlib>
#include <cstring>

#include "record/interposer/sys.hpp"

namespace lockscope::record::interposer {

bool g_use_tsc = false;

ClockSample sample_clocks() {
  if (!g_use_tsc) {
    const std::uint64_t ns = monotonic_ns();
    return {ns, ns};
  }
  // The narrowest of a few tries: a preemption between the reads shows as a wide bracket.
  ClockSample best{};
  std::uint64_t best_width = ~std::uint64_t{0};
  for (int i = 0; i < 5; ++i) {
    const std::uint64_t before = now_ticks();
    const std::uint64_t ns = monotonic_ns();
    const std::uint64_t after = now_ticks();
    if (after - before < best_width) {
      best_width = after - before;
      best = {before + (after - before) / 2, ns};
    }
  }
  return best;
}

bool tsc_is_usable() {
#if !defined(__x86_64__)
  return false;
#else
  const char* forced = std::getenv("LOCKSCOPE_RECORD_CLOCK");
  if (forced != nullptr && std::strcmp(forced, "monotonic") == 0) return false;
  // The first processor's flags line is enough: every core reports the same TSC features.
  static char cpuinfo[16384];
  if (read_small_file("/proc/cpuinfo", cpuinfo, sizeof cpuinfo) <= 0) return false;
  const char* flags = std::strstr(cpuinfo, "\nflags");
  if (flags == nullptr) return false;
  const char* eol = std::strchr(flags + 1, '\n');
  auto has = [&](const char* word) {
    const std::size_t len = std::strlen(word);
    for (const char* p = std::strstr(flags, word); p != nullptr && (eol == nullptr || p < eol);
         p = std::strstr(p + 1, word)) {
      if (p[-1] == ' ' && (p[len] == ' ' || p[len] == '\n')) return true;
    }
    return false;
  };
  return has("constant_tsc") && has("nonstop_tsc");
#endif
}

}  // namespace lockscope::record::interposer
