#include "engine/cli/memory_model_option.hpp"

#include <fmt/format.h>

namespace lockscope::engine::cli {

void add_memory_model_option(CLI::App& sub, MemoryModelOption& opt) {
  opt.option = sub.add_option("--memory-model", opt.value,
                              "sc or tso (x86 store buffers): the memory model simulated (default: the machine's, "
                              "sc unless its file says tso; docs/simulator.md)");
}

std::expected<void, std::string> apply_memory_model(const MemoryModelOption& opt, machine::Machine& m) {
  if (!opt.given()) return {};
  const auto model = machine::parse_memory_model(opt.value);
  if (!model) return std::unexpected(fmt::format("--memory-model: '{}' is not sc or tso", opt.value));
  m.memory_model = *model;
  return {};
}

}  // namespace lockscope::engine::cli
