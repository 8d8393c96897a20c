// `lockscope generate`: a scenario file to a workload trace.
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

struct GenerateCommand;
GenerateCommand& add_generate_command(CLI::App& app);
bool generate_selected(const GenerateCommand& cmd);
int run_generate_command(const GenerateCommand& cmd);

}  // namespace lockscope::engine::cli
