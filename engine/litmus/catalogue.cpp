#include "engine/litmus/catalogue.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace lockscope::engine::litmus {
namespace {

// Outcomes of a test whose two observed values are 0 or 1: `tso_only` is the
// one x86-TSO allows and SC forbids (none: kNone), `forbidden` the one both
// forbid (none: kNone).
constexpr std::array<std::uint32_t, 2> kNone{9, 9};

std::vector<Outcome> binary(std::array<std::uint32_t, 2> tso_only, std::array<std::uint32_t, 2> forbidden) {
  std::vector<Outcome> out;
  for (std::uint32_t a = 0; a < 2; ++a) {
    for (std::uint32_t b = 0; b < 2; ++b) {
      const std::array<std::uint32_t, 2> v{a, b};
      out.push_back(Outcome{v, v != forbidden, v != forbidden && v != tso_only});
    }
  }
  return out;
}

std::vector<LitmusTest> make_catalogue() {
  std::vector<LitmusTest> tests;
  tests.push_back({TestId::sb, "SB", "store buffering: each load passes the other core's store (x86 allows r1=r2=0)",
                   "T0: x = 1; r1 = y  |  T1: y = 1; r2 = x", {Slot::t0_r0, Slot::t1_r0}, {"r1", "r2"}, {1, 0},
                   binary({0, 0}, kNone)});
  tests.push_back({TestId::sb_fences, "SB+fences", "SB with mfence between store and load on both cores: r1=r2=0 gone",
                   "T0: x = 1; mfence; r1 = y  |  T1: y = 1; mfence; r2 = x", {Slot::t0_r0, Slot::t1_r0},
                   {"r1", "r2"}, {1, 0}, binary(kNone, {0, 0})});
  tests.push_back({TestId::sb_fence_po, "SB+fence+po", "SB with a fence on one core only: not enough, r1=r2=0 stays",
                   "T0: x = 1; mfence; r1 = y  |  T1: y = 1; r2 = x", {Slot::t0_r0, Slot::t1_r0}, {"r1", "r2"},
                   {1, 0}, binary({0, 0}, kNone)});
  tests.push_back({TestId::sb_rmw, "SB+rmw", "SB with xchg as the stores: a locked RMW drains the buffer, r1=r2=0 gone",
                   "T0: xchg(x, 1); r1 = y  |  T1: xchg(y, 1); r2 = x", {Slot::t0_r0, Slot::t1_r0}, {"r1", "r2"},
                   {1, 0}, binary(kNone, {0, 0})});
  tests.push_back({TestId::mp, "MP", "message passing: stores leave the buffer in order, so flag=1 implies data=1",
                   "T0: x = 1; y = 1  |  T1: r1 = y; r2 = x", {Slot::t1_r0, Slot::t1_r1}, {"r1", "r2"}, {1, 1},
                   binary(kNone, {1, 0})});
  tests.push_back({TestId::lb, "LB", "load buffering: a store never passes an earlier load (r1=r2=1 forbidden)",
                   "T0: r1 = x; y = 1  |  T1: r2 = y; x = 1", {Slot::t0_r0, Slot::t1_r0}, {"r1", "r2"}, {0, 1},
                   binary(kNone, {1, 1})});
  // 2+2W: the final values are 1 or 2; x=1 y=1 needs each core's second
  // store to reach memory before its first.
  std::vector<Outcome> two_two;
  for (std::uint32_t x = 1; x <= 2; ++x) {
    for (std::uint32_t y = 1; y <= 2; ++y) {
      const bool cycle = x == 1 && y == 1;
      two_two.push_back(Outcome{{x, y}, !cycle, !cycle});
    }
  }
  tests.push_back({TestId::two_plus_two_w, "2+2W", "two stores each, in opposite orders: stores reach memory in order",
                   "T0: x = 1; y = 2  |  T1: y = 1; x = 2", {Slot::final_x, Slot::final_y}, {"x", "y"}, {1, 0},
                   std::move(two_two)});
  // R: y=2 with r1=0 needs T1's load to pass its own store to y.
  std::vector<Outcome> r;
  for (std::uint32_t y = 1; y <= 2; ++y) {
    for (std::uint32_t r1 = 0; r1 < 2; ++r1) r.push_back(Outcome{{y, r1}, true, !(y == 2 && r1 == 0)});
  }
  tests.push_back({TestId::r, "R", "a store then a load on T1 against two stores on T0: y=2 with r1=0 is TSO's",
                   "T0: x = 1; y = 1  |  T1: y = 2; r1 = x", {Slot::final_y, Slot::t1_r0}, {"y", "r1"}, {1, 0},
                   std::move(r)});
  return tests;
}

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char p, char q) {
    return std::tolower(static_cast<unsigned char>(p)) == std::tolower(static_cast<unsigned char>(q));
  });
}

}  // namespace

std::span<const LitmusTest> catalogue() {
  static const std::vector<LitmusTest> tests = make_catalogue();
  return tests;
}

const LitmusTest* find_test(std::string_view name) {
  for (const LitmusTest& t : catalogue()) {
    if (same_name(t.name, name)) return &t;
  }
  return nullptr;
}

std::string outcome_label(const LitmusTest& test, const Outcome& outcome) {
  return fmt::format("{}={} {}={}", test.labels[0], outcome.values[0], test.labels[1], outcome.values[1]);
}

std::size_t classify(const LitmusTest& test, const Observation& seen) {
  const std::array<std::uint32_t, 2> v{seen[static_cast<std::size_t>(test.observed[0])],
                                       seen[static_cast<std::size_t>(test.observed[1])]};
  for (std::size_t i = 0; i < test.outcomes.size(); ++i) {
    if (test.outcomes[i].values == v) return i;
  }
  return test.outcomes.size();
}

}  // namespace lockscope::engine::litmus
