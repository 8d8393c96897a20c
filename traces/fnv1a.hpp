// FNV-1a, 64 bits (Fowler, Noll and Vo): the timeline file's checksum
// (docs/timeline-format.md) and the plot palette's hash of a lock name. A
// fast hash that changes with any single changed byte; not for security.
#pragma once

#include <cstdint>
#include <string_view>

namespace lockscope::traces {

inline constexpr std::uint64_t kFnv1aOffsetBasis = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnv1aPrime = 0x100000001b3ULL;

// The hash of `bytes`; from another `basis`, the hash continued:
// fnv1a64(b, fnv1a64(a)) == fnv1a64(a + b).
[[nodiscard]] constexpr std::uint64_t fnv1a64(std::string_view bytes,
                                              std::uint64_t basis = kFnv1aOffsetBasis) noexcept {
  std::uint64_t h = basis;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnv1aPrime;
  }
  return h;
}

}  // namespace lockscope::traces
