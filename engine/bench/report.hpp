// How bench results reach the user: a readable terminal table and one JSON
// object per run (the keys are documented in docs/bench.md).
#pragma once

#include <cstdio>
#include <span>
#include <string>

#include "engine/bench/bench_result.hpp"
#include "engine/stats/human_count.hpp"

namespace lockscope::engine::bench {

std::string bench_json(const BenchResult& r);
void print_bench_table(std::FILE* out, std::span<const BenchResult> results);

using stats::human_count;

}  // namespace lockscope::engine::bench
