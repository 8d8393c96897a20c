// Small list helpers the commands share: a comma-separated flag value, and
// the JSON form of one result or several (an object, or an array of them).
#pragma once

#include <string>
#include <vector>

namespace lockscope::engine::cli {

// "graph,central" -> {"graph", "central"}; empty items are dropped.
std::vector<std::string> split_commas(const std::string& s);

// Each element is one JSON object ending in a newline. One object stays
// itself; several become an array.
std::string json_one_or_array(const std::vector<std::string>& objects);

}  // namespace lockscope::engine::cli
