// Faulting in memory ahead of its writes changes when the kernel zeroes
// pages, never what the memory holds.
#include "engine/replay/prefault.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

namespace lockscope::engine::replay {
namespace {

TEST(Prefault, KeepsWhatIsAlreadyWrittenAndLetsTheRestBeWritten) {
  std::vector<std::uint64_t> v;
  v.reserve(3 << 20);  // 24 MiB: many whole pages
  v.resize(1000);
  std::iota(v.begin(), v.end(), std::uint64_t{1});
  prefault_capacity(v);
  for (std::size_t i = 0; i < 1000; ++i) ASSERT_EQ(v[i], i + 1);
  v.resize(v.capacity(), 5);
  EXPECT_EQ(v.back(), 5U);
  prefault(nullptr, 0);  // nothing to do
  prefault(v.data(), 100);  // less than a page: nothing to do
}

// The writer fills the blocks from their starts while the thread faults
// them in; what it wrote is what it reads back.
TEST(Prefault, InTheBackgroundWhileTheBlocksAreWritten) {
  std::vector<std::vector<std::uint32_t>> lanes(16);
  BackgroundPrefault prefault;
  for (auto& lane : lanes) {
    lane.reserve(1 << 20);
    prefault.add(lane);
  }
  std::vector<std::uint32_t> empty;
  prefault.add(empty);  // no capacity: skipped
  prefault.start();
  for (std::uint32_t i = 0; i < (1U << 20); ++i) {
    for (std::size_t l = 0; l < lanes.size(); ++l) lanes[l].push_back(i ^ static_cast<std::uint32_t>(l));
  }
  prefault.wait();
  prefault.wait();  // twice: nothing left to join
  for (std::size_t l = 0; l < lanes.size(); ++l) {
    ASSERT_EQ(lanes[l].size(), 1U << 20);
    for (std::uint32_t i = 0; i < (1U << 20); i += 4099) ASSERT_EQ(lanes[l][i], i ^ static_cast<std::uint32_t>(l));
  }
}

TEST(Prefault, ABackgroundPrefaultNeverStartedOrNeverWaitedForIsHarmless) {
  {
    BackgroundPrefault unused;
  }
  std::vector<char> block(1 << 22);
  BackgroundPrefault started;
  started.add(block);
  started.start();
  // Destroyed without wait(): the destructor joins.
}

}  // namespace
}  // namespace lockscope::engine::replay
