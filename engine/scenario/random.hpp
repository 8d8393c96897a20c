// The scenario generator's randomness, fixed bit for bit so that a scenario
// and a seed give the same trace on every platform and standard library:
// xoshiro256** (Blackman & Vigna) seeded through splitmix64, integer ranges
// by rejection, and the exponential through a logarithm built from IEEE-754
// basic operations only (+ - * / are correctly rounded everywhere; libm's
// log is not guaranteed to be). No std::*_distribution: their algorithms
// differ between libstdc++, libc++ and MSVC.
#pragma once

#include "engine/scenario/scenario.hpp"

#include <array>
#include <cstdint>

namespace lockscope::engine::scenario {

[[nodiscard]] std::uint64_t splitmix64(std::uint64_t& state);

class Rng {
 public:
  // Stream `stream` of `seed`: the state is four splitmix64 outputs from
  // splitmix64(seed) ^ (stream * 0xD1B54A32D192ED03). The generator uses one
  // stream per worker (stream = worker index).
  Rng(std::uint64_t seed, std::uint64_t stream);

  [[nodiscard]] std::uint64_t next();
  // Uniform in [0, n); n > 0. Unbiased (rejection).
  [[nodiscard]] std::uint64_t below(std::uint64_t n);
  // Uniform in [0, 1) with 53 random bits.
  [[nodiscard]] double unit();
  // True with probability permille / 1000.
  [[nodiscard]] bool chance_permille(std::uint32_t permille) { return below(1000) < permille; }
  // True with probability permille / 1000 for a permille with up to three
  // decimals (resolution one in a million). A whole permille draws exactly
  // as chance_permille does, so traces of integer rates do not change.
  [[nodiscard]] bool chance_fractional_permille(double permille);

 private:
  std::array<std::uint64_t, 4> s_{};
};

// Natural logarithm of x in (0, +inf), from frexp and an atanh series:
// reproducible across platforms, accurate to a few ulp.
[[nodiscard]] double portable_log(double x);

// One sample in nanoseconds.
[[nodiscard]] std::uint64_t sample(const Distribution& dist, Rng& rng);

}  // namespace lockscope::engine::scenario
