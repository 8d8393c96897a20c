// Turning what a user typed after --machine into a machine: a preset name,
// "this-machine" (the file `lockscope calibrate` writes), or a path to a
// machine file (.toml) or a core-to-core-latency matrix (.csv).
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "engine/machine/machine.hpp"

namespace lockscope::engine::machine {

inline constexpr std::string_view kThisMachine = "this-machine";

// Where `lockscope calibrate` writes by default and "this-machine" reads:
// $XDG_CONFIG_HOME/lockscope/machines/this-machine.toml, or under
// $HOME/.config when XDG_CONFIG_HOME is unset or not absolute (the XDG rule).
// Empty when neither variable helps.
std::optional<std::string> this_machine_path();

// The error is one line: an unknown name lists the presets; a bad file gives
// file:line:column: message.
std::expected<Machine, std::string> resolve_machine(std::string_view name_or_path);

}  // namespace lockscope::engine::machine
