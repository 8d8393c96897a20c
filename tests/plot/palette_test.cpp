#include "plot/model/palette.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lockscope::plot {
namespace {

TEST(Palette, SimulatedLocksHaveDistinctColorsAndMarkers) {
  const std::vector<std::string> locks = {"graph", "graph-asym", "graph-qemu", "graph-packed", "central", "brlock"};
  for (std::size_t i = 0; i < locks.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const LockStyle a = lock_style(locks[i]), b = lock_style(locks[j]);
      EXPECT_FALSE(a.color == b.color && a.marker == b.marker) << locks[i] << " vs " << locks[j];
      EXPECT_FALSE(a.color == b.color) << locks[i] << " vs " << locks[j];
    }
  }
}

TEST(Palette, FamiliesShareAHueGraphBlueCentralRed) {
  for (const char* lock : {"graph", "graph-asym", "graph-qemu", "graph-packed", "graph:full:always:held"}) {
    const Rgb c = lock_style(lock).color;
    EXPECT_GT(c.b, c.r) << lock;
  }
  for (const char* lock : {"central", "pthread-rwlock", "std-shared-mutex"}) {
    const Rgb c = lock_style(lock).color;
    EXPECT_GT(c.r, c.b) << lock;
    EXPECT_GT(c.r, c.g) << lock;
  }
}

TEST(Palette, UnknownLockGetsTheSameStyleEveryTime) {
  const LockStyle a = lock_style("mcs-rw"), b = lock_style("mcs-rw");
  EXPECT_EQ(a.color, b.color);
  EXPECT_EQ(a.marker, b.marker);
}

}  // namespace
}  // namespace lockscope::plot
