// xeon-80-sosp13: the machine rebuilt from the SOSP 2013 study carries the
// study's figures where the study put them.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engine/machine/presets.hpp"
#include "engine/machine/published_presets.hpp"

namespace lockscope::engine::machine {
namespace {

using X = Sosp13Xeon;

TEST(PublishedPresets, XeonIsRegisteredValidAndDeterministic) {
  auto m = preset("xeon-80-sosp13");
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_TRUE(validate(*m).has_value()) << validate(*m).error();
  EXPECT_EQ(*m, xeon_80_sosp13());
  EXPECT_EQ(m->cores(), 80U);
  EXPECT_EQ(summarize(*m).groups, 8U);
  EXPECT_TRUE(summarize(*m).symmetric);
  EXPECT_NE(m->description.find("SOSP 2013"), std::string::npos);
  EXPECT_NE(m->description.find("Table 2"), std::string::npos);
  EXPECT_DOUBLE_EQ(m->clock_ghz, 2.13);
  EXPECT_DOUBLE_EQ(m->l1_hit_ns, 3 / 2.13);
  EXPECT_DOUBLE_EQ(m->memory_ns, 355 / 2.13);
}

// Every socket has three neighbours one QPI hop away and four two hops
// away, and nothing is farther: the study's Xeon distances.
TEST(PublishedPresets, XeonLinkMapHasDiameterTwo) {
  for (unsigned a = 0; a < X::kSockets; ++a) {
    unsigned one = 0;
    unsigned two = 0;
    for (unsigned b = 0; b < X::kSockets; ++b) {
      EXPECT_EQ(sosp13_xeon_hops(a, b), sosp13_xeon_hops(b, a));
      const unsigned h = sosp13_xeon_hops(a, b);
      EXPECT_LE(h, 2U);
      one += h == 1 ? 1 : 0;
      two += h == 2 ? 1 : 0;
    }
    EXPECT_EQ(sosp13_xeon_hops(a, a), 0U);
    EXPECT_EQ(one, 3U) << "socket " << a;
    EXPECT_EQ(two, 4U) << "socket " << a;
  }
}

// The matrix is Table 2's load-from-Modified row, by distance, in ns.
TEST(PublishedPresets, XeonMatrixReflectsTheStudysDistances) {
  const Machine m = xeon_80_sosp13();
  std::set<double> seen;
  for (unsigned i = 0; i < m.cores(); ++i) {
    for (unsigned j = 0; j < m.cores(); ++j) {
      if (i == j) continue;
      const unsigned hops = sosp13_xeon_hops(i / X::kCoresPerSocket, j / X::kCoresPerSocket);
      ASSERT_DOUBLE_EQ(m.latency(i, j), X::kLoadModified[hops] / X::kClockGhz) << i << " -> " << j;
      seen.insert(m.latency(i, j));
    }
  }
  EXPECT_EQ(seen.size(), 3U);  // same die, one hop, two hops
  EXPECT_DOUBLE_EQ(m.latency(0, 9), 109 / 2.13);
  EXPECT_DOUBLE_EQ(m.latency(0, 10), 289 / 2.13);
  EXPECT_DOUBLE_EQ(m.latency(0, 20), 400 / 2.13);
  EXPECT_DOUBLE_EQ(m.latency(0, 40), 289 / 2.13);  // socket 4: the cross link
}

// The store and CAS rows reach the model as per-state costs, measured as
// ccbench does between two cores of one die.
TEST(PublishedPresets, XeonPerStateCostsAreTheStudysSameDieRow) {
  const Machine m = xeon_80_sosp13();
  ASSERT_TRUE(m.access.given());
  EXPECT_DOUBLE_EQ(m.access.reference_ns, m.latency(0, 1));
  EXPECT_DOUBLE_EQ(m.access.load.modified_ns, 109 / 2.13);
  EXPECT_DOUBLE_EQ(m.access.store.modified_ns, 115 / 2.13);
  EXPECT_DOUBLE_EQ(m.access.rmw.modified_ns, 120 / 2.13);
  EXPECT_DOUBLE_EQ(m.access.load.memory_ns, 355 / 2.13);
}

}  // namespace
}  // namespace lockscope::engine::machine
