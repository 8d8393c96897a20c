// The replay's outputs for people and scripts: a terminal summary with the
// shared-data cacheline table (traces/cacheline_table.hpp, like perf
// c2c's: the rows the GUI's statistics dock shows), and the JSON summary
// whose keys docs/replay.md lists.
#pragma once

#include <cstdio>
#include <span>
#include <string>

#include "engine/replay/replay_result.hpp"

namespace lockscope::engine::replay {

std::string summary_json(const ReplayResult& r);
void print_summary(std::FILE* out, const ReplayResult& r, std::size_t max_lines = 8);
// Several runs of one trace side by side (e.g. graph against central).
void print_comparison(std::FILE* out, std::span<const ReplayResult> runs);

}  // namespace lockscope::engine::replay
