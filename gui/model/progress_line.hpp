// progress_line: reads the progress a `lockscope` child process prints on
// standard error (engine/cli/progress.cpp): off a terminal, one line per
// update, "... central: 42% of the trace". The GUI's run dialogs feed their
// progress bars from it. Also accepted: "[3/12]" or "3/12" counts (sweeps)
// and a bare "42%". Plain C++ (no Qt).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lockscope::gui {

struct ProgressLine {
  double fraction = 0;  // 0..1
  std::string what;     // the line without its "... " prefix
};

[[nodiscard]] std::optional<ProgressLine> parse_progress_line(std::string_view line);

// The line of a child's standard error to show when it fails: the last
// non-empty line that is not a progress line, with terminal escapes removed.
[[nodiscard]] std::string error_line(std::string_view stderr_text);

}  // namespace lockscope::gui
