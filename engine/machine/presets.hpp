// Machine presets: topologies with latencies taken from published
// core-to-core measurements (docs/machines.md cites each figure). Every
// preset is generated from its structure; the small spread inside a level
// (ring or mesh distance, which CCX pair) is a function of the core indices,
// never random, so a preset is the same machine on every run and host.
#pragma once

#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "engine/machine/machine.hpp"

namespace lockscope::engine::machine {

// laptop-8, ryzen-16, epyc-64, xeon-2s-56, mesh-1024.
std::span<const std::string_view> preset_names();

// The named preset; the error lists the names.
std::expected<Machine, std::string> preset(std::string_view name);

// `groups` groups of `cores_per_group` cores: near_ns between two cores of a
// group, far_ns across groups; groups are named prefix0, prefix1, ...
// Preconditions: groups * cores_per_group in [1, kMaxCores]; latencies > 0.
Machine uniform_topology(const MachineParameters& p, unsigned groups, unsigned cores_per_group,
                         double near_ns, double far_ns, std::string_view group_prefix);

}  // namespace lockscope::engine::machine
