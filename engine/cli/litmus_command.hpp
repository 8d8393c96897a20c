// `lockscope litmus`: the classic two-core litmus tests (SB, SB+fences, MP,
// LB, ...) on pinned real threads and in the simulator (sc and tso), the
// outcome counts side by side with what x86-TSO allows, and a verdict per
// test (docs/litmus.md). Wired like the others: add after the app is built,
// check litmus_selected after parsing, then run.
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

struct LitmusCommand;
LitmusCommand& add_litmus_command(CLI::App& app);
bool litmus_selected(const LitmusCommand& cmd);
int run_litmus_command(const LitmusCommand& cmd);

}  // namespace lockscope::engine::cli
