// NumaLock beyond the contract (lock_contract_test.cpp runs that on both
// platforms): where a reader is (the node mapping of the machine presets,
// of Linux's sysfs, and of the simulated platform), and the design essay's
// claims about lines, counted in the simulator: readers touch only their
// node's counter, the writer's scan reads one line per node where
// GraphLock's reads one per context.
#include "lockimpl/numa_lock.hpp"

#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/machine/machine.hpp"
#include "engine/machine/presets.hpp"
#include "engine/platform/cpu_topology.hpp"
#include "engine/platform/real_platform.hpp"
#include "engine/replay/machine_costs.hpp"
#include "engine/sim/sim_platform.hpp"
#include "engine/sim/sim_session.hpp"
#include "lockimpl/graph_lock.hpp"
#include "tests/engine/machine/temp_dir.hpp"
#include "tests/engine/replay/in_child.hpp"

namespace lockscope::tests {
namespace {

using engine::coherence::CostModel;
using engine::sim::SimHosts;
using engine::sim::SimPlatform;
using engine::sim::SimWorker;
using engine::sim::SimWorld;
using lockimpl::NodeLevel;

engine::machine::Machine preset(const char* name) {
  auto m = engine::machine::preset(name);
  if (!m) ADD_FAILURE() << m.error();
  return *m;
}

std::vector<std::uint32_t> by_formula(unsigned cores, unsigned (*node)(unsigned)) {
  std::vector<std::uint32_t> out;
  for (unsigned c = 0; c < cores; ++c) out.push_back(node(c));
  return out;
}

// ---------------------------------------------------------------------------
// The machine presets' topology (what the simulator hands the lock).

TEST(NumaNodes, XeonTwoSocketIsTwoSocketsOfTwentyEightCoresSharingTheirL3) {
  const auto m = preset("xeon-2s-56");
  const auto expected = by_formula(56, [](unsigned c) { return c / 28; });
  EXPECT_EQ(engine::machine::socket_of_cores(m), expected);
  EXPECT_EQ(engine::machine::cache_of_cores(m), expected);
}

TEST(NumaNodes, EpycIsOneSocketOfEightCcx) {
  const auto m = preset("epyc-64");
  EXPECT_EQ(engine::machine::socket_of_cores(m), std::vector<std::uint32_t>(64, 0));
  EXPECT_EQ(engine::machine::cache_of_cores(m), by_formula(64, [](unsigned c) { return c / 8; }));
}

TEST(NumaNodes, TheFirstCoresOfTheXeonAreOneSocket) {
  const auto m = engine::machine::first_cores(preset("xeon-2s-56"), 28);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(engine::machine::socket_of_cores(*m), std::vector<std::uint32_t>(28, 0));
  const CostModel costs = engine::replay::cost_model(*m);
  EXPECT_EQ(costs.socket_of, std::vector<std::uint32_t>(28, 0));
}

TEST(NumaNodes, SocketsComeFromGroupNamesOrElseFromTheGroups) {
  engine::machine::Machine m = preset("laptop-8");
  m.core_group = {"socket1.ccx0", "socket1.ccx1", "socket0.ccx2", "socket0.ccx2",
                  "group0",       "group0",       "group1",       "group1"};
  EXPECT_EQ(engine::machine::socket_of_cores(m), (std::vector<std::uint32_t>{0, 0, 1, 1, 2, 2, 3, 3}));
  EXPECT_EQ(engine::machine::cache_of_cores(m), (std::vector<std::uint32_t>{0, 1, 2, 2, 3, 3, 4, 4}));
}

// ---------------------------------------------------------------------------
// The real platform's topology, from a sysfs tree written by the test.

// Writes cpuN/topology/physical_package_id and, if l3 >= 0, an L3 (index3)
// with that id, plus an L2 (index2) that must not be taken for it.
void describe_cpu(const testing::TempDir& dir, int cpu, int package, int l3) {
  std::string base = "cpu";
  base += std::to_string(cpu);
  base += "/";
  dir.write(base + "topology/physical_package_id", std::to_string(package) + "\n");
  dir.write(base + "cache/index2/level", "2\n");
  dir.write(base + "cache/index2/id", std::to_string(100 + cpu) + "\n");
  if (l3 >= 0) {
    dir.write(base + "cache/index3/level", "3\n");
    dir.write(base + "cache/index3/id", std::to_string(l3) + "\n");
  }
}

TEST(CpuTopology, ReadsPackagesAndL3DomainsFromSysfs) {
  const testing::TempDir dir;
  // Package ids and L3 ids need not be dense or ordered: 7 and 3 become 0 and 1.
  const int packages[] = {7, 7, 7, 7, 3, 3, 3, 3};
  const int l3s[] = {5, 5, 9, 9, 2, 2, 4, 4};
  for (int cpu = 0; cpu < 8; ++cpu) describe_cpu(dir, cpu, packages[cpu], l3s[cpu]);
  dir.write("cpufreq/boost", "1\n");  // a sibling that is not a CPU
  const auto t = engine::platform::read_cpu_topology(dir.path().string());
  EXPECT_EQ(t.sockets, 2U);
  EXPECT_EQ(t.caches, 4U);
  EXPECT_EQ(t.socket_of, (std::vector<std::uint32_t>{0, 0, 0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(t.cache_of, (std::vector<std::uint32_t>{0, 0, 1, 1, 2, 2, 3, 3}));
  EXPECT_EQ(t.node_of(5, NodeLevel::socket), 1U);
  EXPECT_EQ(t.node_of(5, NodeLevel::cache), 2U);
}

TEST(CpuTopology, WithoutAnL3TheCacheDomainIsTheSocket) {
  const testing::TempDir dir;
  for (int cpu = 0; cpu < 4; ++cpu) describe_cpu(dir, cpu, cpu / 2, -1);
  const auto t = engine::platform::read_cpu_topology(dir.path().string());
  EXPECT_EQ(t.caches, 2U);
  EXPECT_EQ(t.cache_of, t.socket_of);
}

TEST(CpuTopology, UndescribedCpusAreNodeZero) {
  const testing::TempDir dir;
  describe_cpu(dir, 0, 1, 1);
  describe_cpu(dir, 2, 0, 0);  // cpu1 missing (offline): node 0, with cpu0
  const auto t = engine::platform::read_cpu_topology(dir.path().string());
  EXPECT_EQ(t.socket_of, (std::vector<std::uint32_t>{0, 0, 1}));
  EXPECT_EQ(t.node_of(-1, NodeLevel::socket), 0U);
  EXPECT_EQ(t.node_of(99, NodeLevel::cache), 0U);
  const auto none = engine::platform::read_cpu_topology((dir.path() / "absent").string());
  EXPECT_EQ(none.sockets, 1U);
  EXPECT_EQ(none.node_of(0, NodeLevel::socket), 0U);
}

// SMT siblings: two CPUs with one core_id in one package share a core; the
// same core_id in another package is another core; a CPU without a core_id,
// or not described at all, shares with none.
TEST(CpuTopology, SmtSiblingsShareACoreIdWithinTheirPackage) {
  const testing::TempDir dir;
  const int packages[] = {0, 0, 0, 0, 1, 1};
  const int core_ids[] = {0, 1, 0, 1, 0, -1};
  for (int cpu = 0; cpu < 6; ++cpu) {
    describe_cpu(dir, cpu, packages[cpu], 0);
    if (core_ids[cpu] >= 0) {
      dir.write("cpu" + std::to_string(cpu) + "/topology/core_id", std::to_string(core_ids[cpu]) + "\n");
    }
  }
  describe_cpu(dir, 7, 1, 0);  // cpu6 offline, cpu7 without core_id
  const auto t = engine::platform::read_cpu_topology(dir.path().string());
  EXPECT_TRUE(t.share_a_core(0, 2)) << "package 0, core 0";
  EXPECT_TRUE(t.share_a_core(3, 1)) << "package 0, core 1";
  EXPECT_FALSE(t.share_a_core(0, 1));
  EXPECT_FALSE(t.share_a_core(0, 4)) << "core 0 of another package";
  EXPECT_FALSE(t.share_a_core(5, 7)) << "no core_id: a core of its own";
  EXPECT_FALSE(t.share_a_core(6, 0)) << "undescribed";
  EXPECT_TRUE(t.share_a_core(5, 5));
  EXPECT_FALSE(t.share_a_core(-1, 0));
  EXPECT_FALSE(t.share_a_core(0, 99));
}

TEST(CpuTopology, AHypervisorIsNamedInTheCpuFlags) {
  const testing::TempDir dir;
  dir.write("guest", "processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n\nprocessor\t: 1\n");
  dir.write("metal", "processor\t: 0\nflags\t\t: fpu vme lahf_lm hypervisorx\n");
  EXPECT_TRUE(engine::platform::under_hypervisor((dir.path() / "guest").string()));
  EXPECT_FALSE(engine::platform::under_hypervisor((dir.path() / "metal").string()));
  EXPECT_FALSE(engine::platform::under_hypervisor((dir.path() / "absent").string()));
}

TEST(CpuTopology, ThisMachinesCurrentNodeIsInRange) {
  using engine::platform::RealPlatform;
  for (const NodeLevel level : {NodeLevel::socket, NodeLevel::cache}) {
    ASSERT_GE(RealPlatform::node_count(level), 1U);
    EXPECT_LT(RealPlatform::current_node(level), RealPlatform::node_count(level));
  }
}

// ---------------------------------------------------------------------------
// In the simulator. One simulation per process: each runs in a forked child
// and hands the parent a string to compare.

using SimBody = std::function<std::string(SimWorld&, const SimHosts&)>;

std::string simulate(const CostModel& costs, const SimBody& body) {
  const testing::ChildResult child = testing::in_child([&]() -> std::string {
    alarm(60);
    std::string out;
    const engine::sim::SimulationEnd end = engine::sim::run_simulation(
        costs, engine::sim::SimCosts{}, [&](SimWorld& world, const SimHosts& hosts) { out = body(world, hosts); });
    if (!end.main_finished) out += " (deadlock)";
    return out;
  });
  EXPECT_EQ(child.status, 0);
  return child.out;
}

// Starts one worker per entry of `cores` (ids 1, 2, ...; context = id) that
// runs body(index), and waits for them all.
void run_workers(const SimHosts& hosts, const std::vector<unsigned>& cores,
                 const std::function<void(std::size_t)>& body) {
  std::vector<std::unique_ptr<SimWorker>> workers;
  std::vector<simgrid::s4u::ActorPtr> actors;
  for (std::size_t i = 0; i < cores.size(); ++i) {
    auto w = std::make_unique<SimWorker>();
    w->id = static_cast<unsigned>(i + 1);
    w->core = cores[i];
    w->context = static_cast<lockimpl::ContextId>(i + 1);
    actors.push_back(engine::sim::spawn_worker(hosts, *w, [&body, i] { body(i); }));
    workers.push_back(std::move(w));
  }
  SimWorld::current().sync();
  for (const simgrid::s4u::ActorPtr& a : actors) a->join();
}

std::vector<unsigned> all_cores(unsigned n) {
  std::vector<unsigned> out;
  for (unsigned c = 0; c < n; ++c) out.push_back(c);
  return out;
}

// "socket/cache" of every core, as current_node tells the worker on it.
std::string nodes_seen_by_workers(const char* machine) {
  const CostModel costs = engine::replay::cost_model(preset(machine));
  return simulate(costs, [&](SimWorld&, const SimHosts& hosts) {
    std::vector<std::string> seen(costs.cores);
    run_workers(hosts, all_cores(costs.cores), [&](std::size_t i) {
      seen[i] = std::to_string(SimPlatform::current_node(NodeLevel::socket)) + "/" +
                std::to_string(SimPlatform::current_node(NodeLevel::cache));
    });
    std::string out = std::to_string(SimPlatform::node_count(NodeLevel::socket)) + "/" +
                      std::to_string(SimPlatform::node_count(NodeLevel::cache)) + ":";
    for (const std::string& s : seen) {
      out += " ";
      out += s;
    }
    return out;
  });
}

std::string expected_nodes(unsigned sockets, unsigned caches, unsigned cores, unsigned (*socket)(unsigned),
                           unsigned (*cache)(unsigned)) {
  std::string out = std::to_string(sockets) + "/" + std::to_string(caches) + ":";
  for (unsigned c = 0; c < cores; ++c) {
    out += " ";
    out += std::to_string(socket(c));
    out += "/";
    out += std::to_string(cache(c));
  }
  return out;
}

TEST(NumaLockSim, CurrentNodeIsTheWorkersSocketOnXeon) {
  EXPECT_EQ(nodes_seen_by_workers("xeon-2s-56"),
            expected_nodes(2, 2, 56, [](unsigned c) { return c / 28; }, [](unsigned c) { return c / 28; }));
}

TEST(NumaLockSim, CurrentNodeIsTheWorkersCcxOnEpyc) {
  EXPECT_EQ(nodes_seen_by_workers("epyc-64"),
            expected_nodes(1, 8, 64, [](unsigned) { return 0U; }, [](unsigned c) { return c / 8; }));
}

// For each reader-counter line of the lock, the cores that ever missed on it:
// "numa.node[0].readers:0,1 numa.node[1].readers:2,3".
std::string who_touched(const engine::coherence::Directory& dir, const std::string& prefix) {
  std::string out;
  for (engine::coherence::LineId id = 0; id < dir.line_count(); ++id) {
    const auto& s = dir.stats(id);
    if (!s.name.starts_with(prefix)) continue;
    if (!out.empty()) out += " ";
    out += s.name + ":";
    std::string cores;
    for (std::size_t c = 0; c < s.touched_by.size(); ++c) {
      if (!s.touched_by[c]) continue;
      if (!cores.empty()) cores += ",";
      cores += std::to_string(c);
    }
    out += cores;
  }
  return out;
}

// Four cores, two sockets of two (as sim_harness's small machine).
CostModel two_sockets_of_two() {
  CostModel m;
  m.cores = 4;
  m.transfer.assign(16, 25'000);
  m.socket_of = {0, 0, 1, 1};
  m.cache_of = {0, 1, 2, 3};
  return m;
}

TEST(NumaLockSim, ReadersTouchOnlyTheirOwnNodesCounterLine) {
  // Placements of four readers over the two sockets: two per socket, all on
  // one socket, three and one. A core's readers may share it.
  const std::vector<std::vector<unsigned>> placements = {{0, 1, 2, 3}, {1, 1, 0, 0}, {3, 2, 2, 1}};
  for (const auto& cores : placements) {
    const std::string out = simulate(two_sockets_of_two(), [&](SimWorld& world, const SimHosts& hosts) {
      lockimpl::NumaLock<SimPlatform> lock;
      run_workers(hosts, cores, [&](std::size_t) {
        for (int i = 0; i < 20; ++i) {
          lock.lock_shared();
          lock.unlock_shared();
        }
      });
      return who_touched(world.directory(), "numa.node");
    });
    std::set<unsigned> node0, node1;
    for (const unsigned c : cores) (c < 2 ? node0 : node1).insert(c);
    auto list = [](const std::set<unsigned>& s) {
      std::string text;
      for (const unsigned c : s) {
        if (!text.empty()) text += ",";
        text += std::to_string(c);
      }
      return text;
    };
    std::string expected = "numa.node[0].readers:";
    expected += list(node0);
    expected += " numa.node[1].readers:";
    expected += list(node1);
    EXPECT_EQ(out, expected)
        << "readers on cores " << ::testing::PrintToString(cores);
  }
}

// Every core but the writer's (core 0) reads a few times in its own context;
// then the writer takes the lock. Returns how many of the lock's
// reader-counter lines the writer's wrlock missed on.
template <class Lock>
std::string lines_the_writer_scans(const char* machine, const std::string& prefix) {
  const CostModel costs = engine::replay::cost_model(preset(machine));
  return simulate(costs, [&](SimWorld& world, const SimHosts& hosts) {
    Lock lock(costs.cores);
    for (lockimpl::ContextId c = 0; c < costs.cores; ++c) lock.register_context(c);
    std::vector<unsigned> readers = all_cores(costs.cores);
    readers.erase(readers.begin());
    run_workers(hosts, readers, [&](std::size_t) {
      for (int i = 0; i < 3; ++i) {
        lock.lock_shared();
        lock.unlock_shared();
      }
    });
    std::vector<engine::coherence::Transfer> log;
    world.directory().set_transfer_log(&log);
    lock.lock();
    world.directory().set_transfer_log(nullptr);
    std::set<engine::coherence::LineId> lines;
    for (const auto& t : log) {
      if (t.to == 0 && world.directory().stats(t.line).name.starts_with(prefix)) lines.insert(t.line);
    }
    lock.unlock();
    return std::to_string(lines.size());
  });
}

TEST(NumaLockSim, WriterScanReadsOneLinePerSocketOnXeonWhereGraphReadsOnePerContext) {
  EXPECT_EQ(lines_the_writer_scans<lockimpl::NumaLock<SimPlatform>>("xeon-2s-56", "numa.node"), "2");
  // 55: the contexts the readers ran in; the writer's own context 0 is a hit.
  EXPECT_EQ((lines_the_writer_scans<lockimpl::GraphLock<SimPlatform>>("xeon-2s-56", "graph.ctx")), "55");
}

TEST(NumaLockSim, WriterScanReadsOneLinePerCcxOnEpycAtTheCacheLevel) {
  EXPECT_EQ((lines_the_writer_scans<lockimpl::NumaLock<SimPlatform, NodeLevel::cache>>("epyc-64", "numa.node")),
            "8");
}

TEST(NumaLockSim, ReaderThatLeavesOnAnotherNodeLeavesPlusOneAndMinusOne) {
  const std::string out = simulate(two_sockets_of_two(), [&](SimWorld&, const SimHosts& hosts) {
    lockimpl::NumaLock<SimPlatform> lock;
    run_workers(hosts, {1}, [&](std::size_t) {
      lock.lock_shared();  // on core 1: socket 0
      SimWorld::current().sync();
      SimWorld::current().self().core = 2;  // migrated to socket 1
      lock.unlock_shared();
    });
    std::string r = std::to_string(lock.node_readers(0)) + " " + std::to_string(lock.node_readers(1)) + " " +
                    std::to_string(lock.readers_inside());
    const bool got = lock.try_lock();
    if (got) lock.unlock();
    return r + (got ? " writer-in" : " writer-out");
  });
  EXPECT_EQ(out, "1 -1 0 writer-in");
}

}  // namespace
}  // namespace lockscope::tests
