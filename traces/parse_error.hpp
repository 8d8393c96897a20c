// ParseError: what every reader of user input (workload traces, timelines,
// scenario and machine files) returns when the input is bad: the file, the
// 1-based line and column where reading stopped, and one sentence. Printed
// as `file:line:column: message`, the form editors and terminals link.
#pragma once

#include <cstddef>
#include <string>

namespace lockscope::traces {

struct ParseError {
  std::string file;
  std::size_t line = 0;    // 1-based; 0 when the error is about the whole file
  std::size_t column = 0;  // 1-based; 0 when the error is about the whole line
  std::string message;

  [[nodiscard]] std::string to_string() const {
    // Appended piecewise: `":" + std::to_string(n)` trips GCC 12's false
    // -Wrestrict at -O3 (GCC PR 105651).
    std::string out = file;
    if (line != 0) {
      out += ':';
      out += std::to_string(line);
    }
    if (line != 0 && column != 0) {
      out += ':';
      out += std::to_string(column);
    }
    out += ": ";
    out += message;
    return out;
  }
};

}  // namespace lockscope::traces
