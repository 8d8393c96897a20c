// CpuTopology: which socket and which last-level-cache domain each CPU of
// this machine belongs to, for RealPlatform::current_node (NUMA-aware locks).
//
// Read once from Linux's sysfs, per CPU N under /sys/devices/system/cpu:
//   socket: cpuN/topology/physical_package_id;
//   cache:  the id of cpuN/cache/indexK whose `level` is 3 (a CCX on Zen, the
//           whole package on Intel), or its shared_cpu_list where the kernel
//           gives no id; the socket where no L3 is described (containers,
//           some virtual machines).
// Each level is renumbered densely, 0, 1, ..., in CPU order, so a lock can
// index an array by node. A CPU that sysfs does not describe (offline, or a
// missing file) is in node 0, the safe answer: a node is only a hint.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lockimpl/platform.hpp"

namespace lockscope::engine::platform {

struct CpuTopology {
  std::vector<std::uint32_t> socket_of;  // by CPU number
  std::vector<std::uint32_t> cache_of;   // by CPU number
  std::uint32_t sockets = 1;
  std::uint32_t caches = 1;

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

// This machine's, read on first use and kept for the process.
inline const CpuTopology& cpu_topology() {
  static const CpuTopology topology = read_cpu_topology("/sys/devices/system/cpu");
  return topology;
}

}  // namespace lockscope::engine::platform
