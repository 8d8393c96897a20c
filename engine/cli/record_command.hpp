// `lockscope record`: run an unmodified program with the lock interposer
// preloaded, then write its workload trace (version 2), the real run's
// timeline and a summary (docs/record.md).
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

struct RecordCommand;
// `lockscope record [options] -- PROGRAM ARGS...`: everything after the
// first `--` is the program's, untouched (CLI11 would read its options as
// record's). Cuts it off argv (argc shrinks) and keeps it for the command.
void split_record_argv(int& argc, char** argv);
RecordCommand& add_record_command(CLI::App& app);
bool record_selected(const RecordCommand& cmd);
int run_record_command(const RecordCommand& cmd);

}  // namespace lockscope::engine::cli
