// CpuTopology: which socket, last-level-cache domain and physical core each
// CPU of this machine belongs to, for RealPlatform::current_node (NUMA-aware
// locks) and for calibrate (SMT siblings).
//
// Read once from Linux's sysfs, per CPU N under /sys/devices/system/cpu:
//   socket: cpuN/topology/physical_package_id;
//   core:   cpuN/topology/core_id within the socket (SMT siblings share it;
//           calibrate measures per-state costs between separate cores);
//   cache:  the id of cpuN/cache/indexK whose `level` is 3 (a CCX on Zen, the
//           whole package on Intel), or its shared_cpu_list where the kernel
//           gives no id; the socket where no L3 is described (containers,
//           some virtual machines).
// Each level is renumbered densely, 0, 1, ..., in CPU order, so a lock can
// index an array by node. A CPU that sysfs does not describe (offline, or a
// missing file) is in node 0, the safe answer: a node is only a hint.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "lockimpl/platform.hpp"

namespace lockscope::engine::platform {

struct CpuTopology {
  std::vector<std::uint32_t> socket_of;  // by CPU number
  std::vector<std::uint32_t> cache_of;   // by CPU number
  // By CPU number: the physical core, from cpuN/topology/core_id within its
  // package. SMT siblings (hardware threads of one core, sharing its L1)
  // have the same; a CPU sysfs does not describe has a core of its own.
  std::vector<std::uint32_t> core_of;
  std::uint32_t sockets = 1;
  std::uint32_t caches = 1;

  // True when sysfs says CPUs a and b are hardware threads of one core (a
  // CPU and itself included); false when it says otherwise or nothing.
  [[nodiscard]] bool share_a_core(int a, int b) const {
    if (a == b) return true;
    if (a < 0 || b < 0 || static_cast<std::size_t>(std::max(a, b)) >= core_of.size()) return false;
    return core_of[static_cast<std::size_t>(a)] == core_of[static_cast<std::size_t>(b)];
  }

  [[nodiscard]] std::uint32_t node_count(lockimpl::NodeLevel level) const {
    return level == lockimpl::NodeLevel::socket ? sockets : caches;
  }
  // Node 0 for a CPU out of the table (a negative sched_getcpu() included).
  [[nodiscard]] std::uint32_t node_of(int cpu, lockimpl::NodeLevel level) const {
    const std::vector<std::uint32_t>& nodes = level == lockimpl::NodeLevel::socket ? socket_of : cache_of;
    return cpu >= 0 && static_cast<std::size_t>(cpu) < nodes.size() ? nodes[static_cast<std::size_t>(cpu)] : 0;
  }
};

// The topology described under `cpu_dir` (normally /sys/devices/system/cpu;
// tests pass a directory of their own). Never fails: what is missing is 0.
CpuTopology read_cpu_topology(const std::string& cpu_dir);

// True when the CPU flags in `cpuinfo` (normally /proc/cpuinfo) carry
// "hypervisor": a guest's topology may hide that two vCPUs are one host
// core's siblings.
bool under_hypervisor(const std::string& cpuinfo = "/proc/cpuinfo");

// This machine's, read on first use and kept for the process.
inline const CpuTopology& cpu_topology() {
  static const CpuTopology topology = read_cpu_topology("/sys/devices/system/cpu");
  return topology;
}

}  // namespace lockscope::engine::platform
