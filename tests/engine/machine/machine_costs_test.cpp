// From a machine to what the simulator charges (engine/replay/machine_costs):
// the per-state costs as factors of their reference latency, and the
// arbitration, memory model and scheduler keys onto SimCosts. Without the new keys, the
// cost model and SimCosts are exactly what they were before the keys existed.
#include "engine/replay/machine_costs.hpp"

#include <gtest/gtest.h>

#include "engine/machine/presets.hpp"

namespace lockscope::engine::replay {
namespace {

using machine::Machine;

TEST(MachineCosts, APresetWithoutPerStateCostsGetsThePlainModelAndTheSimulatorsDefaults) {
  for (std::string_view name : {"laptop-8", "ryzen-16", "epyc-64", "xeon-2s-56"}) {
    SCOPED_TRACE(name);
    const Machine m = *machine::preset(name);
    ASSERT_FALSE(m.access.given());
    const coherence::CostModel c = cost_model(m);
    EXPECT_EQ(c.load, coherence::StateCosts{});
    EXPECT_EQ(c.store, coherence::StateCosts{});
    EXPECT_EQ(c.rmw, coherence::StateCosts{});
    const sim::SimCosts s = sim_costs(m);
    const sim::SimCosts defaults;
    EXPECT_EQ(s.arbitration, defaults.arbitration);
    EXPECT_EQ(s.memory_model, sim::MemoryModel::sc);
    EXPECT_EQ(s.store_buffer_depth, defaults.store_buffer_depth);
    EXPECT_EQ(s.slice, defaults.slice);
    EXPECT_EQ(s.thread_switch, defaults.thread_switch);
    EXPECT_EQ(s.coroutine_switch, defaults.coroutine_switch);
  }
}

TEST(MachineCosts, PerStateCostsBecomeFactorsOfTheirReference) {
  machine::MachineParameters p;
  p.memory_ns = 90;
  Machine m = machine::make_machine(p, {}, {0, 25, 25, 0});
  m.access.reference_ns = 25;
  m.access.load.modified_ns = 50;
  m.access.load.shared_ns = 30;
  m.access.load.memory_ns = 110.5;
  m.access.store.exclusive_ns = 20;
  m.access.rmw.shared_by_ns = {40, 60};
  const coherence::CostModel c = cost_model(m);
  EXPECT_EQ(c.load.modified, 2.0);
  EXPECT_EQ(c.load.exclusive, 1.0) << "not given: the plain charge";
  EXPECT_EQ(c.load.shared, 1.2);
  EXPECT_EQ(c.load.memory, 110'500U);
  EXPECT_EQ(c.memory, 90'000U) << "memory_ns still charges what has no fill cost of its own";
  EXPECT_EQ(c.store.exclusive, 0.8);
  EXPECT_EQ(c.store.memory, 0U);
  EXPECT_EQ(c.rmw.shared_by, (std::vector<double>{1.6, 2.4}));
  EXPECT_EQ(c.between(0, 1), 25'000U) << "the matrix itself is unchanged";
}

TEST(MachineCosts, EveryArbitrationRuleMapsOntoItsSimulatorRule) {
  Machine m = *machine::preset("laptop-8");
  m.arbitration = machine::Arbitration::arrival;
  EXPECT_EQ(sim_costs(m).arbitration, sim::Arbitration::arrival);
  m.arbitration = machine::Arbitration::nearest_first;
  EXPECT_EQ(sim_costs(m).arbitration, sim::Arbitration::nearest_first);
}

TEST(MachineCosts, EachLineHoldRuleMapsOntoTheSimulatorsSwitch) {
  Machine m = *machine::preset("laptop-8");
  EXPECT_TRUE(sim_costs(m).hold_while_used) << "the default";
  m.line_hold_rule = machine::LineHoldRule::fixed;
  EXPECT_FALSE(sim_costs(m).hold_while_used);
  m.line_hold_rule = machine::LineHoldRule::while_used;
  EXPECT_TRUE(sim_costs(m).hold_while_used);
}

TEST(MachineCosts, ArbitrationAndSchedulerMapOntoSimCosts) {
  Machine m = *machine::preset("laptop-8");
  m.arbitration = machine::Arbitration::fifo;
  m.scheduler = {.slice_us = 750, .thread_switch_ns = 3500, .coroutine_switch_ns = 0, .wake_ns = 9100,
                 .wake_call_ns = 5900, .syscall_ns = 1150, .spin_ns = 4700, .wake_idle_ns = {5000, 200000},
                 .wake_after_idle_ns = {11000, 25000}};
  m.line_hold_ns = 12.5;
  m.clock_read_ns = 17.5;
  m.ooo_window_ns = 146.5;
  m.heavy_barrier_alone_ns = 450;
  const sim::SimCosts s = sim_costs(m);
  EXPECT_EQ(s.clock_read, 17'500U);
  EXPECT_EQ(s.ooo_window, 146'500U);
  EXPECT_EQ(sim_costs(*machine::preset("laptop-8")).ooo_window, 0U) << "the presets: in order";
  EXPECT_EQ(s.heavy_barrier_alone, 450'000U);
  EXPECT_EQ(s.wake, 9'100'000U);
  EXPECT_EQ(s.spin, 4'700'000U);
  EXPECT_EQ(s.wake_call, 5'900'000U);
  EXPECT_EQ(s.syscall, 1'150'000U);
  EXPECT_EQ(cost_model(m).line_hold, 12'500U);
  EXPECT_EQ(s.arbitration, sim::Arbitration::fifo);
  EXPECT_EQ(s.slice, 750'000'000U);
  EXPECT_EQ(s.thread_switch, 3'500'000U);
  EXPECT_EQ(s.coroutine_switch, 0U);
  EXPECT_EQ(s.wake_idle, (std::vector<sim::Picos>{5'000'000, 200'000'000}));
  EXPECT_EQ(s.wake_after_idle, (std::vector<sim::Picos>{11'000'000, 25'000'000}));
}

TEST(MachineCosts, MemoryModelAndStoreBufferDepthMapOntoSimCosts) {
  Machine m = *machine::preset("laptop-8");
  m.memory_model = machine::MemoryModel::tso;
  m.store_buffer_depth = 4;
  sim::SimCosts s = sim_costs(m);
  EXPECT_EQ(s.memory_model, sim::MemoryModel::tso);
  EXPECT_EQ(s.store_buffer_depth, 4U);
  m.memory_model = machine::MemoryModel::sc;
  m.store_buffer_depth = 4096;
  s = sim_costs(m);
  EXPECT_EQ(s.memory_model, sim::MemoryModel::sc);
  EXPECT_EQ(s.store_buffer_depth, 4096U) << "kept under sc too: it costs nothing there";
}

}  // namespace
}  // namespace lockscope::engine::replay
