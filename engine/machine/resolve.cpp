#include "engine/machine/resolve.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "engine/machine/machine_file.hpp"
#include "engine/machine/presets.hpp"

namespace lockscope::engine::machine {

std::optional<std::string> this_machine_path() {
  std::filesystem::path base;
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && std::filesystem::path(xdg).is_absolute()) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    base = std::filesystem::path(home) / ".config";
  } else {
    return std::nullopt;
  }
  return (base / "lockscope" / "machines" / "this-machine.toml").string();
}

std::expected<Machine, std::string> resolve_machine(std::string_view name_or_path) {
  for (std::string_view name : preset_names()) {
    if (name == name_or_path) return preset(name);
  }
  if (name_or_path == kThisMachine) {
    const std::optional<std::string> path = this_machine_path();
    std::error_code ec;
    if (!path || !std::filesystem::exists(*path, ec)) {
      return std::unexpected(std::string(
          "this-machine: not calibrated yet (run `lockscope calibrate` to measure it)"));
    }
    auto m = read_machine_file(*path);
    if (!m) return std::unexpected(m.error().to_string());
    return std::move(*m);
  }
  const std::filesystem::path path(name_or_path);
  const std::string ext = path.extension().string();
  if (ext == ".toml") {
    auto m = read_machine_file(path.string());
    if (!m) return std::unexpected(m.error().to_string());
    return std::move(*m);
  }
  if (ext == ".csv") {
    MachineParameters p;
    p.name = path.stem().string();
    p.description = fmt::format("imported from {}", path.filename().string());
    auto m = read_latency_csv(path.string(), p);
    if (!m) return std::unexpected(m.error().to_string());
    return std::move(*m);
  }
  return std::unexpected(fmt::format(
      "unknown machine '{}': not a preset ({}), not {}, and not a .toml or .csv file",
      name_or_path, fmt::join(preset_names(), ", "), kThisMachine));
}

}  // namespace lockscope::engine::machine
