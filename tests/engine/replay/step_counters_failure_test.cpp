// StepCounters when memory runs out, on either thread: the failure reaches
// the caller as an exception, and nothing is left running (a thread never
// joined would end the program in std::terminate). A binary of its own:
// it replaces the global operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#include "engine/replay/step_counters.hpp"

namespace {

// Armed: the next allocation of at least kBig bytes made on a thread that
// is (or is not) the test's own fails, once.
constexpr std::size_t kBig = 4096;
std::atomic<int> armed{0};  // 0: off, 1: fail on the test's thread, 2: on another
std::thread::id test_thread;

bool should_fail(std::size_t n) {
  const int mode = armed.load();
  if (mode == 0 || n < kBig) return false;
  if ((std::this_thread::get_id() == test_thread) != (mode == 1)) return false;
  int expected = mode;
  return armed.compare_exchange_strong(expected, 0);
}

}  // namespace

void* operator new(std::size_t n) {
  if (should_fail(n)) throw std::bad_alloc();
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
// The library's nothrow form too (std::stable_sort's buffer): what these
// allocate, the operator delete below frees.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (should_fail(n)) return nullptr;
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace lockscope::engine::replay {
namespace {

// Steps in decreasing time, so that every chunk merges into (and grows)
// what is already sorted.
void add_steps(StepCounters& c, int from, int count) {
  for (int i = from; i < from + count; ++i) c.step(static_cast<std::size_t>(i % 2), static_cast<std::uint64_t>(100'000 - i), true);
}

TEST(StepCountersFailure, AFailureOnTheSortingThreadIsRethrownByTakeSamples) {
  test_thread = std::this_thread::get_id();
  StepCounters c(2, true, 1000);
  add_steps(c, 0, 2'000);  // the thread runs
  armed = 2;
  add_steps(c, 2'000, 20'000);
  std::vector<traces::CounterSample> out;
  EXPECT_THROW(c.take_samples(0, out), std::bad_alloc);
  EXPECT_EQ(armed.load(), 0) << "no allocation on the sorting thread failed";
  armed = 0;
}

TEST(StepCountersFailure, AFailedHandOffLeavesNoThreadBehind) {
  test_thread = std::this_thread::get_id();
  bool threw = false;
  try {
    StepCounters c(2, true, 1000);
    add_steps(c, 0, 2'000);
    armed = 1;
    add_steps(c, 2'000, 20'000);  // a new chunk's reserve fails
  } catch (const std::bad_alloc&) {
    threw = true;  // and the destructor has stopped the thread
  }
  armed = 0;
  EXPECT_TRUE(threw);
}

}  // namespace
}  // namespace lockscope::engine::replay
