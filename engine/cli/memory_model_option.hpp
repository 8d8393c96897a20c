// --memory-model sc|tso, shared by replay, explore and sweep: the memory
// model every run of the command simulates, overriding the machine's
// `memory_model` key (docs/machines.md; docs/simulator.md, "Memory
// ordering"). Not given, each machine keeps its own (sc unless it says tso).
#pragma once

#include <CLI/CLI.hpp>

#include <expected>
#include <string>

#include "engine/machine/machine.hpp"

namespace lockscope::engine::cli {

struct MemoryModelOption {
  std::string value;
  CLI::Option* option = nullptr;

  // Given at all, even as "" (which is an error, not "not given").
  [[nodiscard]] bool given() const { return option != nullptr && option->count() > 0; }
};

// Adds the option to `sub`.
void add_memory_model_option(CLI::App& sub, MemoryModelOption& opt);

// Sets a resolved machine's memory model from the option; not given leaves
// it as it is. The error is the one line to print after "lockscope: ": a
// value other than sc or tso (the command exits 2).
std::expected<void, std::string> apply_memory_model(const MemoryModelOption& opt, machine::Machine& m);

}  // namespace lockscope::engine::cli
