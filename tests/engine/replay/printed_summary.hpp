// What `lockscope replay` prints for a result (print_summary), as a string,
// for tests that look for a line of it.
#pragma once

#include <cstdio>
#include <string>

#include "engine/replay/summary.hpp"

namespace lockscope::engine::replay::testing {

inline std::string printed_summary(const ReplayResult& r) {
  std::FILE* f = std::tmpfile();
  print_summary(f, r);
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text.push_back(static_cast<char>(c));
  std::fclose(f);
  return text;
}

}  // namespace lockscope::engine::replay::testing
