// How often each outcome of a litmus test showed up in one world (real
// threads, the simulator in sc, the simulator in tso).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/litmus/catalogue.hpp"

namespace lockscope::engine::litmus {

struct OutcomeCounts {
  // By index into LitmusTest::outcomes, and one more at the end for pairs
  // the program cannot produce (classify()).
  std::vector<std::uint64_t> counts;
  std::uint64_t runs = 0;

  explicit OutcomeCounts(const LitmusTest& test) : counts(test.outcomes.size() + 1, 0) {}
  void add(std::size_t outcome) {
    ++counts.at(outcome);
    ++runs;
  }
  [[nodiscard]] std::uint64_t impossible() const { return counts.back(); }
};

}  // namespace lockscope::engine::litmus
