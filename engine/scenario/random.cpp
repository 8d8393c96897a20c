#include "engine/scenario/random.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace lockscope::engine::scenario {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

Rng::Rng(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t mix = seed;
  std::uint64_t state = splitmix64(mix) ^ (stream * 0xD1B54A32D192ED03ULL);
  for (std::uint64_t& word : s_) word = splitmix64(state);
}

std::uint64_t Rng::next() {
  const std::uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17U;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = std::rotl(s_[3], 45);
  return result;
}

std::uint64_t Rng::below(std::uint64_t n) {
  // Reject the lowest (2^64 mod n) values so every residue is equally likely.
  const std::uint64_t threshold = (0 - n) % n;
  for (;;) {
    const std::uint64_t r = next();
    if (r >= threshold) return r % n;
  }
}

double Rng::unit() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

double portable_log(double x) {
  int exponent = 0;
  double m = std::frexp(x, &exponent);  // exact: x = m * 2^exponent, m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;  // exact
    --exponent;
  }
  // ln(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: 14 terms reach 1e-21.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double term = s;
  double sum = 0.0;
  for (int k = 1; k <= 29; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return 2.0 * sum + exponent * 0.69314718055994530942;
}

std::uint64_t sample(const Distribution& dist, Rng& rng) {
  switch (dist.kind) {
    case DistKind::fixed:
      return dist.mean;
    case DistKind::uniform: {
      const std::uint64_t span = dist.max - dist.min;
      if (span == Distribution::kNoMax) return rng.next();
      return dist.min + rng.below(span + 1);
    }
    case DistKind::exponential: {
      const double scale = static_cast<double>(dist.mean - dist.min);
      const double x = -scale * portable_log(1.0 - rng.unit());  // 1 - u in (0, 1]
      // 1e15 ns (11 days) keeps the conversion defined; the reader caps means far lower.
      const auto extra = static_cast<std::uint64_t>(std::min(x, 1e15) + 0.5);
      return std::min(dist.min + extra, dist.max);
    }
  }
  return dist.mean;
}

bool Rng::chance_fractional_permille(double permille) {
  const auto per_million = static_cast<std::uint64_t>(std::llround(permille * 1000.0));
  if (per_million % 1000 == 0) return chance_permille(static_cast<std::uint32_t>(per_million / 1000));
  return below(1'000'000) < per_million;
}

}  // namespace lockscope::engine::scenario
