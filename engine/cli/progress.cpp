#include "engine/cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace lockscope::engine::cli {

Progress::Progress() : tty_(isatty(STDERR_FILENO) != 0) {}

Progress::~Progress() {
  if (tty_ && dirty_) fmt::print(stderr, "\r\033[K");
}

void Progress::update(const std::string& what) {
  if (tty_) {
    fmt::print(stderr, "\r\033[K... {}", what);
    dirty_ = true;
  } else {
    fmt::print(stderr, "... {}\n", what);
  }
  std::fflush(stderr);
}

}  // namespace lockscope::engine::cli
