// What the kernel says about how CPUs share a core: SMT siblings (two
// hardware threads of one core) share its L1, so a line Modified in one is
// already where the other looks. Calibration must not take their
// "transfer" for one between cores.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace lockscope::engine::bench {

// A kernel CPU list ("0-3,8,10-11"), ascending, or nullopt if malformed.
std::optional<std::vector<int>> parse_cpu_list(std::string_view text);

// The hardware threads of `cpu`'s core, `cpu` included, from
// /sys/devices/system/cpu/cpuN/topology/thread_siblings_list; empty where
// the kernel does not say (no sysfs, an unusual container).
std::vector<int> smt_siblings(int cpu);

// True when the kernel says `a` and `b` are two threads of one core.
// False when it says otherwise or does not say.
bool share_a_core(int a, int b);

// True when /proc/cpuinfo's flags carry "hypervisor": the guest's topology
// may hide that two vCPUs are one host core's siblings.
bool under_hypervisor();

}  // namespace lockscope::engine::bench
