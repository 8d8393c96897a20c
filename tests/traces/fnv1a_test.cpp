#include "traces/fnv1a.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace lockscope::traces {
namespace {

// The published FNV-1a 64-bit values (the FNV reference test suite), so
// that the timeline checksum means what docs/timeline-format.md says.
TEST(Fnv1a, MatchesThePublishedValues) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(Fnv1a, BytesAboveSevenBitsAreUnsigned) {
  // A signed char would be sign-extended before the xor; FNV works on octets.
  EXPECT_EQ(fnv1a64(std::string_view("\xff", 1)), (kFnv1aOffsetBasis ^ 0xffULL) * kFnv1aPrime);
}

TEST(Fnv1a, ContinuesFromABasis) {
  EXPECT_EQ(fnv1a64("bar", fnv1a64("foo")), fnv1a64("foobar"));
}

static_assert(fnv1a64("a") == 0xaf63dc4c8601ec8cULL, "usable at compile time");

}  // namespace
}  // namespace lockscope::traces
