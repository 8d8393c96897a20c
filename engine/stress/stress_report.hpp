// A stress run's summary: a terminal table and a JSON object (the keys are
// listed in docs/stress.md).
#pragma once

#include <cstdio>
#include <string>

#include "engine/stress/stress_config.hpp"

namespace lockscope::engine::stress {

void print_stress_summary(std::FILE* out, const StressResult& r);

// One JSON object, ending in a newline.
std::string stress_json(const StressResult& r);

}  // namespace lockscope::engine::stress
