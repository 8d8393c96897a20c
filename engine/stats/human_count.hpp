// 12345678.9 -> "12.35 M": rates and counts for terminal tables, shared by
// bench and replay.
#pragma once

#include <string>
#include <string_view>

namespace lockscope::engine::stats {

std::string human_count(double v);
// With a unit: "12.35 Mops", and "64 ops" (not "64ops") below a thousand.
std::string human_count(double v, std::string_view unit);

}  // namespace lockscope::engine::stats
