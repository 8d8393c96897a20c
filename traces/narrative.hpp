// The narrative of a scenario file (docs/scenarios.md): the comment block at
// its top that says what the scenario teaches. It is part of the file's
// format, not of its TOML, so it is read here, without a TOML parser: the
// GUI's run dialog shows it, `lockscope generate --explain` and the demo
// print it (through engine/scenario/scenario_reader.hpp).
//
// The narrative is every `#` line before the first line that is neither a
// comment nor blank, with the `#` and one following space removed; blank
// lines inside the block are kept, blank lines before it are not.
#pragma once

#include <string>
#include <string_view>

namespace lockscope::traces {

// Empty if the file cannot be read (the caller shows nothing, not an error).
[[nodiscard]] std::string narrative(const std::string& path);
[[nodiscard]] std::string narrative_of_text(std::string_view text);

}  // namespace lockscope::traces
