// Writing an output file so that a reader never sees half of it: the text
// goes to a temporary file beside the target, which is renamed over it only
// when complete. "-" means standard output.
#pragma once

#include <expected>
#include <string>

namespace lockscope::engine::cli {

// On failure, the error is a one-line message naming the file.
std::expected<void, std::string> write_output(const std::string& path, const std::string& text);

}  // namespace lockscope::engine::cli
