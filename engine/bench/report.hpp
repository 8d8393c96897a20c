// How bench results reach the user: a readable terminal table and one JSON
// object per run (the keys are documented in docs/bench.md).
#pragma once

#include <cstdio>
#include <span>
#include <string>

#include "engine/bench/bench_result.hpp"

namespace lockscope::engine::bench {

std::string bench_json(const BenchResult& r);
void print_bench_table(std::FILE* out, std::span<const BenchResult> results);

// 12345678.9 -> "12.35 M"; for rates and counts in tables.
std::string human_count(double v);

}  // namespace lockscope::engine::bench
