// The catalogue's outcome tables against the x86-TSO rule: every outcome
// SC allows TSO allows too, the store-buffering family differs from SC in
// exactly r1=r2=0, and the tests that forbid a cycle forbid it under both.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engine/litmus/catalogue.hpp"

namespace lockscope::engine::litmus {
namespace {

const Outcome& outcome(const LitmusTest& t, std::uint32_t a, std::uint32_t b) {
  for (const Outcome& o : t.outcomes) {
    if (o.values[0] == a && o.values[1] == b) return o;
  }
  ADD_FAILURE() << t.name << " has no outcome " << a << "," << b;
  static const Outcome none;
  return none;
}

TEST(LitmusCatalogue, NamesAreUniqueAndFoundCaseInsensitively) {
  std::set<std::string> names;
  for (const LitmusTest& t : catalogue()) {
    EXPECT_TRUE(names.insert(std::string(t.name)).second) << t.name;
    EXPECT_EQ(find_test(t.name), &t);
  }
  EXPECT_EQ(find_test("sb+FENCES"), find_test("SB+fences"));
  EXPECT_EQ(find_test("IRIW"), nullptr);
  for (const char* name : {"SB", "SB+fences", "SB+rmw", "MP", "LB", "2+2W", "R"}) {
    EXPECT_NE(find_test(name), nullptr) << name;
  }
}

TEST(LitmusCatalogue, WhatScAllowsTsoAllows) {
  for (const LitmusTest& t : catalogue()) {
    EXPECT_EQ(t.outcomes.size(), 4U) << t.name;
    for (const Outcome& o : t.outcomes) EXPECT_TRUE(!o.sc_allows || o.tso_allows) << t.name;
  }
}

TEST(LitmusCatalogue, StoreBufferingIsTsosOnlyRelaxation) {
  EXPECT_TRUE(outcome(*find_test("SB"), 0, 0).tso_allows);
  EXPECT_FALSE(outcome(*find_test("SB"), 0, 0).sc_allows);
  EXPECT_TRUE(outcome(*find_test("SB+fence+po"), 0, 0).tso_allows);
  EXPECT_FALSE(outcome(*find_test("SB+fences"), 0, 0).tso_allows);
  EXPECT_FALSE(outcome(*find_test("SB+rmw"), 0, 0).tso_allows);
  EXPECT_TRUE(outcome(*find_test("R"), 2, 0).tso_allows);
  EXPECT_FALSE(outcome(*find_test("R"), 2, 0).sc_allows);
  EXPECT_FALSE(outcome(*find_test("MP"), 1, 0).tso_allows);
  EXPECT_FALSE(outcome(*find_test("LB"), 1, 1).tso_allows);
  EXPECT_FALSE(outcome(*find_test("2+2W"), 1, 1).tso_allows);
  // Everything else in those tests is allowed by both.
  int relaxed_or_forbidden = 0;
  for (const LitmusTest& t : catalogue()) {
    for (const Outcome& o : t.outcomes) relaxed_or_forbidden += !o.sc_allows;
  }
  EXPECT_EQ(relaxed_or_forbidden, static_cast<int>(catalogue().size()));  // one per test
}

TEST(LitmusCatalogue, ClassifiesByTheObservedSlots) {
  const LitmusTest& mp = *find_test("MP");
  Observation seen{};
  seen[static_cast<std::size_t>(Slot::t1_r0)] = 1;  // flag
  seen[static_cast<std::size_t>(Slot::t1_r1)] = 0;  // data
  seen[static_cast<std::size_t>(Slot::t0_r0)] = 7;  // not observed by MP
  EXPECT_EQ(outcome_label(mp, mp.outcomes[classify(mp, seen)]), "r1=1 r2=0");
  seen[static_cast<std::size_t>(Slot::t1_r1)] = 5;  // no such outcome
  EXPECT_EQ(classify(mp, seen), mp.outcomes.size());
}

}  // namespace
}  // namespace lockscope::engine::litmus
