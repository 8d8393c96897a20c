#include "engine/machine/calibrate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/bench/cpu_affinity.hpp"
#include "engine/platform/cpu_topology.hpp"

namespace lockscope::engine::machine {
namespace {

// A smoke test: tiny sample counts on two CPUs. Timing on a shared machine
// says nothing, so only the shape and sanity of the result are checked.
TEST(Calibrate, SmokeOnTwoCpusGivesAValidMatrix) {
  const std::vector<int> allowed = bench::allowed_cpus();
  if (allowed.size() < 2) GTEST_SKIP() << "needs two CPUs";
  CalibrationOptions options;
  options.cpus = {allowed[0], allowed[1]};
  options.samples = 3;
  options.round_trips = 200;
  options.memory_bytes = std::size_t{1} << 20;
  options.single_cost_runs = 1;
  options.access_samples = 0;
  int progress_lines = 0;
  auto m = calibrate(options, [&](const std::string&) { ++progress_lines; });
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_GT(progress_lines, 0);
  EXPECT_EQ(m->name, "this-machine");
  ASSERT_EQ(m->cores(), 2U);
  ASSERT_EQ(m->latency_ns.size(), 4U);
  for (unsigned i = 0; i < 2; ++i) {
    for (unsigned j = 0; j < 2; ++j) {
      EXPECT_TRUE(std::isfinite(m->latency(i, j)));
      if (i != j) {
        EXPECT_GT(m->latency(i, j), 0);
      }
    }
  }
  EXPECT_TRUE(validate(*m).has_value()) << validate(*m).error();
  EXPECT_GT(m->clock_ghz, 0);
  EXPECT_GT(m->l1_hit_ns, 0);
  EXPECT_GE(m->fence_ns, 0);
  EXPECT_FALSE(m->access.given()) << "access_samples = 0 skips the per-state costs";
  // The handover costs are measured, not the defaults: a futex wake-up and
  // four sched_yield calls each take at least a system call (> 100 ns
  // anywhere), and a hold is never negative.
  EXPECT_GT(m->scheduler.wake_ns, 100);
  EXPECT_GT(m->scheduler.spin_ns, 100);
  EXPECT_GT(m->scheduler.syscall_ns, 20);  // a futex system call, even with vDSO-fast kernels
  EXPECT_GT(m->scheduler.wake_call_ns, 20);
  EXPECT_NE(m->scheduler.wake_ns, Scheduler{}.wake_ns);
  // The wake-up curve: a wake-up at each of five idle times, each at least
  // a system call.
  ASSERT_EQ(m->scheduler.wake_idle_ns.size(), 5U);
  ASSERT_EQ(m->scheduler.wake_after_idle_ns.size(), 5U);
  for (const double ns : m->scheduler.wake_after_idle_ns) EXPECT_GT(ns, 100);
  // A clock read is a vDSO call (tens of ns), or, where the kernel fell
  // back from the TSC to hpet or acpi_pm (a loaded VM), a system call and
  // a port read (1-5 us): more than nothing, and not milliseconds.
  EXPECT_GT(m->clock_read_ns, 0);
  EXPECT_LT(m->clock_read_ns, 20'000);
  // membarrier alone is a system call at least, and no more than with IPIs
  // to spinning CPUs by far (0: this kernel has no membarrier).
  if (m->heavy_barrier_ns != 0) {
    EXPECT_GT(m->heavy_barrier_alone_ns, 20);
    EXPECT_LT(m->heavy_barrier_alone_ns, 100'000);
  }
  EXPECT_TRUE(std::isfinite(m->line_hold_ns));
  EXPECT_GE(m->line_hold_ns, 0);
  // What a wait hides of a miss to memory: never more than a few such
  // misses (the wait is 400 ns), never negative (0 where nothing overlaps).
  EXPECT_TRUE(std::isfinite(m->ooo_window_ns));
  EXPECT_GE(m->ooo_window_ns, 0);
  EXPECT_LT(m->ooo_window_ns, 2'000);
}

// The per-state table on two CPUs: k = 1 only, every cost positive and
// finite, and the orderings no machine violates: a fill from memory costs
// well over a hit (a broken timer, or a baseline that swallowed the access,
// gives exactly l1_hit_ns). A transfer from another core's cache does too,
// but only between separate cores: two hardware threads of one core share
// its L1 (a CI machine's two vCPUs measured RMW M 1.1 ns, a hit, against a
// 24.9 ns ping-pong), and a hypervisor may hide that they are siblings, so
// that ordering is asserted only on bare metal with sysfs saying separate
// cores, and where sysfs says siblings the report must say so.
// Memory against M-transfer is not asserted: on the development VM the two
// vCPUs' transfers cross the host's fabric and measure within noise of a
// fill from memory (130 vs 127 ns in one run, the other way round in the
// next). No wall-clock figure is asserted beyond that: this may be a noisy VM.
TEST(Calibrate, PerStateCostsOnTwoCpusArePositiveAndOrdered) {
  const std::vector<int> allowed = bench::allowed_cpus();
  if (allowed.size() < 2) GTEST_SKIP() << "needs two CPUs";
  CalibrationOptions options;
  options.cpus = {allowed[0], allowed[1]};
  options.samples = 3;
  options.round_trips = 200;
  options.memory_bytes = 0;
  options.single_cost_runs = 3;
  options.access_samples = 201;
  std::vector<std::string> lines;
  auto m = calibrate(options, [&](const std::string& line) { lines.push_back(line); });
  ASSERT_TRUE(m.has_value()) << m.error();
  const AccessCosts& a = m->access;
  ASSERT_TRUE(a.given());
  EXPECT_EQ(a.reference_ns, m->latency(0, 1)) << "the pair's matrix latency is the reference";
  for (const AccessCosts::Op* op : {&a.load, &a.store, &a.rmw}) {
    for (const double ns : {op->modified_ns, op->exclusive_ns, op->memory_ns}) {
      EXPECT_TRUE(std::isfinite(ns));
      EXPECT_GT(ns, 0);
    }
  }
  EXPECT_EQ(a.load.shared_ns, 0) << "S without the requester needs two other CPUs";
  ASSERT_EQ(a.store.shared_by_ns.size(), 1U) << "k = 1 only on two CPUs";
  ASSERT_EQ(a.rmw.shared_by_ns.size(), 1U);
  EXPECT_GT(a.store.shared_by_ns[0], 0);
  EXPECT_GT(a.rmw.shared_by_ns[0], 0);
  std::string report;
  for (const std::string& line : lines) report += line + "\n";
  const bool siblings = platform::cpu_topology().share_a_core(allowed[0], allowed[1]);
  const bool separate_cores = !siblings && !platform::under_hypervisor();
  for (const AccessCosts::Op* op : {&a.load, &a.store, &a.rmw}) {
    EXPECT_GT(op->memory_ns, 4 * m->l1_hit_ns) << report;
    EXPECT_GE(op->modified_ns, m->l1_hit_ns) << report;
    if (separate_cores) {
      EXPECT_GT(op->modified_ns, 4 * m->l1_hit_ns) << report;
    }
  }
  EXPECT_TRUE(validate(*m).has_value()) << validate(*m).error();
  bool reported = false, said_siblings = false;
  for (const std::string& line : lines) {
    reported = reported || line.starts_with("per-state costs, CPU");
    said_siblings = said_siblings || line.find("SMT siblings, per sysfs") != std::string::npos;
  }
  EXPECT_TRUE(reported) << "a progress line gives the table";
  EXPECT_EQ(said_siblings, siblings) << report;
}

TEST(Calibrate, RefusesACpuOutsideTheAffinityMask) {
  CalibrationOptions options;
  options.cpus = {0, 100000};
  auto m = calibrate(options);
  ASSERT_FALSE(m.has_value());
  EXPECT_NE(m.error().find("100000"), std::string::npos) << m.error();
}

TEST(Calibrate, RefusesASingleCpu) {
  CalibrationOptions options;
  options.cpus = {bench::allowed_cpus()[0]};
  EXPECT_FALSE(calibrate(options).has_value());
}

}  // namespace
}  // namespace lockscope::engine::machine
