// The verdict: a forbidden outcome anywhere fails; sim tso agrees with the
// hardware when both show the same outcomes; an allowed outcome one side
// never showed is named with its counts.
#include <gtest/gtest.h>

#include <string>

#include "engine/litmus/catalogue.hpp"
#include "engine/litmus/verdict.hpp"

namespace lockscope::engine::litmus {
namespace {

// SB's outcomes in order: r1=0 r2=0, r1=0 r2=1, r1=1 r2=0, r1=1 r2=1.
OutcomeCounts sb(std::uint64_t c00, std::uint64_t c01, std::uint64_t c10, std::uint64_t c11,
                 const char* name = "SB") {
  OutcomeCounts c(*find_test(name));
  c.counts = {c00, c01, c10, c11, 0};
  c.runs = c00 + c01 + c10 + c11;
  return c;
}

bool has_note(const Verdict& v, const std::string& text) {
  for (const std::string& n : v.notes) {
    if (n.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(LitmusVerdict, SameOutcomesAgree) {
  const OutcomeCounts real = sb(5, 500, 495, 0), tso = sb(40, 480, 480, 0), sc = sb(0, 450, 450, 100);
  const Verdict v = judge(*find_test("SB"), &real, &tso, &sc);
  EXPECT_FALSE(v.fail);
  EXPECT_TRUE(v.agrees);
  EXPECT_NE(v.line.find("agrees"), std::string::npos);
  EXPECT_TRUE(v.notes.empty()) << v.notes.front();
}

TEST(LitmusVerdict, AnAllowedOutcomeTheSimulatorNeverShowsIsNamed) {
  const OutcomeCounts real = sb(5, 500, 495, 0), tso = sb(0, 500, 500, 0);
  const Verdict v = judge(*find_test("SB"), &real, &tso, nullptr);
  EXPECT_FALSE(v.fail);
  EXPECT_FALSE(v.agrees);
  EXPECT_TRUE(has_note(v, "not seen: r1=0 r2=0 in sim tso (0 of 1000 seeds; real threads 5 of 1000)"));
}

TEST(LitmusVerdict, AForbiddenOutcomeFailsInEveryWorld) {
  const OutcomeCounts fenced = sb(1, 500, 499, 0, "SB+fences");
  EXPECT_TRUE(judge(*find_test("SB+fences"), &fenced, nullptr, nullptr).fail);
  EXPECT_TRUE(judge(*find_test("SB+fences"), nullptr, &fenced, nullptr).fail);
  // SB's r1=r2=0 is fine for tso and the hardware, a FAIL for sc.
  const OutcomeCounts relaxed = sb(1, 500, 499, 0);
  EXPECT_FALSE(judge(*find_test("SB"), &relaxed, &relaxed, nullptr).fail);
  const Verdict sc = judge(*find_test("SB"), nullptr, nullptr, &relaxed);
  EXPECT_TRUE(sc.fail);
  EXPECT_TRUE(has_note(sc, "FAIL: sim sc showed r1=0 r2=0 (1 of 1000), which sequential consistency forbids"));
}

TEST(LitmusVerdict, AnImpossibleOutcomeFails) {
  OutcomeCounts c = sb(0, 500, 500, 0);
  c.counts.back() = 1;
  ++c.runs;
  EXPECT_TRUE(judge(*find_test("SB"), nullptr, &c, nullptr).fail);
}

TEST(LitmusVerdict, WithoutTheHardwareTsoIsHeldToTheRule) {
  const OutcomeCounts tso = sb(0, 500, 500, 0);
  const Verdict v = judge(*find_test("SB"), nullptr, &tso, nullptr);
  EXPECT_FALSE(v.agrees);
  EXPECT_TRUE(has_note(v, "not seen: r1=0 r2=0 in sim tso (0 of 1000 seeds; x86-TSO allows it)"));
}

}  // namespace
}  // namespace lockscope::engine::litmus
