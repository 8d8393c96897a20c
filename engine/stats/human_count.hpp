// 12345678.9 -> "12.35 M": rates and counts for terminal tables, shared by
// bench and replay.
#pragma once

#include <string>

namespace lockscope::engine::stats {

std::string human_count(double v);

}  // namespace lockscope::engine::stats
