// FastRng: xorshift64* (Marsaglia; Vigna 2016). Two shifts, a xor and a
// multiply: cheap enough to decide read-or-write on every bench iteration
// without the generator showing up next to a 1 ns lock. Not for statistics
// that need more than 64 bits of state; the simulator uses its own.
#pragma once

#include <cstdint>

namespace lockscope::engine::bench {

class FastRng {
 public:
  explicit FastRng(std::uint64_t seed) : state_(mix(seed)) {}

  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }
  // Uniform in [0, bound), by Lemire's multiply-shift (bias < bound / 2^64).
  std::uint32_t below(std::uint32_t bound) {
    return static_cast<std::uint32_t>(((next() >> 32) * bound) >> 32);
  }

 private:
  // splitmix64 finalizer: any seed, including 0, gives a non-zero state.
  static std::uint64_t mix(std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z == 0 ? 1 : z;
  }
  std::uint64_t state_;
};

}  // namespace lockscope::engine::bench
