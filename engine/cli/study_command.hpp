// `lockscope study [NAME]`: replays a published synchronization study's
// microbenchmarks on the machine preset rebuilt from it and prints the
// simulated figures beside the published ones, with the ratio
// (engine/study/study.hpp, docs/fidelity.md). Wired like bench: add
// after the app is built, check study_selected after parsing, then run.
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

struct StudyCommand;
StudyCommand& add_study_command(CLI::App& app);
bool study_selected(const StudyCommand& cmd);
int run_study_command(const StudyCommand& cmd);

}  // namespace lockscope::engine::cli
