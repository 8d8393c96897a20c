#include "engine/machine/presets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace lockscope::engine::machine {
namespace {

Machine get(std::string_view name) {
  auto m = preset(name);
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error());
  return m.value_or(Machine{});
}

// Range of latency(i, j) over pairs i != j that `keep` selects.
template <class Keep>
LatencyRange range_of(const Machine& m, Keep keep) {
  LatencyRange r;
  for (unsigned i = 0; i < m.cores(); ++i) {
    for (unsigned j = 0; j < m.cores(); ++j) {
      if (i == j || !keep(i, j)) continue;
      const double v = m.latency(i, j);
      r.min = r.count == 0 ? v : std::min(r.min, v);
      r.max = r.count == 0 ? v : std::max(r.max, v);
      ++r.count;
    }
  }
  return r;
}

TEST(MachinePresets, NamesTheRequiredPresets) {
  const auto names = preset_names();
  for (std::string_view want : {"laptop-8", "epyc-64", "xeon-2s-56", "mesh-1024"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
}

TEST(MachinePresets, EveryPresetIsValidSquareAndSymmetric) {
  for (std::string_view name : preset_names()) {
    SCOPED_TRACE(name);
    const Machine m = get(name);
    EXPECT_EQ(m.name, name);
    EXPECT_FALSE(m.description.empty());
    EXPECT_TRUE(validate(m).has_value()) << validate(m).error();
    ASSERT_EQ(m.latency_ns.size(), std::size_t{m.cores()} * m.cores());
    const LatencySummary s = summarize(m);
    EXPECT_TRUE(s.symmetric);
    for (unsigned i = 0; i < m.cores(); ++i) EXPECT_EQ(m.latency(i, i), m.l1_hit_ns);
  }
}

TEST(MachinePresets, AreDeterministic) {
  for (std::string_view name : preset_names()) EXPECT_EQ(get(name), get(name)) << name;
}

TEST(MachinePresets, UnknownNameListsThePresets) {
  auto m = preset("epyc-65");
  ASSERT_FALSE(m.has_value());
  EXPECT_NE(m.error().find("epyc-64"), std::string::npos) << m.error();
}

TEST(MachinePresets, Laptop8IsOneDieAt20To25Ns) {
  const Machine m = get("laptop-8");
  EXPECT_EQ(m.cores(), 8U);
  const LatencySummary s = summarize(m);
  EXPECT_EQ(s.groups, 1U);
  EXPECT_GE(s.near.min, 17.0);
  EXPECT_LE(s.near.max, 25.0);
  EXPECT_EQ(s.far.count, 0U);
}

TEST(MachinePresets, Epyc64IsFastInsideACcxAndSlowAcross) {
  const Machine m = get("epyc-64");
  ASSERT_EQ(m.cores(), 64U);
  EXPECT_EQ(summarize(m).groups, 8U);
  const LatencyRange inside = range_of(m, [](unsigned i, unsigned j) { return i / 8 == j / 8; });
  const LatencyRange across = range_of(m, [](unsigned i, unsigned j) { return i / 8 != j / 8; });
  EXPECT_GE(inside.min, 20.0);
  EXPECT_LE(inside.max, 25.0);
  EXPECT_GE(across.min, 80.0);
  EXPECT_LE(across.max, 110.0);
  EXPECT_EQ(m.core_group[0], "ccx0");
  EXPECT_EQ(m.core_group[63], "ccx7");
}

TEST(MachinePresets, Xeon2s56IsAMeshPerSocketAndSlowAcrossSockets) {
  const Machine m = get("xeon-2s-56");
  ASSERT_EQ(m.cores(), 56U);
  EXPECT_EQ(summarize(m).groups, 2U);
  const LatencyRange socket = range_of(m, [](unsigned i, unsigned j) { return i / 28 == j / 28; });
  const LatencyRange across = range_of(m, [](unsigned i, unsigned j) { return i / 28 != j / 28; });
  EXPECT_GE(socket.min, 40.0);
  EXPECT_LE(socket.max, 52.0);
  EXPECT_GT(socket.max, socket.min);  // mesh distance shows
  EXPECT_GE(across.min, 110.0);
  EXPECT_LE(across.max, 140.0);
}

TEST(MachinePresets, Mesh1024HasThreeDistinctLevels) {
  const Machine m = get("mesh-1024");
  ASSERT_EQ(m.cores(), 1024U);
  EXPECT_EQ(summarize(m).groups, 16U);
  const LatencyRange socket = range_of(m, [](unsigned i, unsigned j) { return i / 64 == j / 64; });
  const LatencyRange board = range_of(
      m, [](unsigned i, unsigned j) { return i / 64 != j / 64 && i / 256 == j / 256; });
  const LatencyRange far = range_of(m, [](unsigned i, unsigned j) { return i / 256 != j / 256; });
  EXPECT_LT(socket.max, board.min);
  EXPECT_LT(board.max, far.min);
  EXPECT_LE(far.max, 340.0);
}

TEST(MachinePresets, UniformTopologyNamesGroupsWithThePrefix) {
  MachineParameters p;
  const Machine m = uniform_topology(p, 3, 2, 20, 90, "ccx");
  ASSERT_EQ(m.cores(), 6U);
  EXPECT_EQ(m.core_group, (std::vector<std::string>{"ccx0", "ccx0", "ccx1", "ccx1", "ccx2", "ccx2"}));
  EXPECT_EQ(m.latency(0, 1), 20);
  EXPECT_EQ(m.latency(1, 2), 90);
  EXPECT_EQ(m.latency(4, 4), p.l1_hit_ns);
}

}  // namespace
}  // namespace lockscope::engine::machine
