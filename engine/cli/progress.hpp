// Progress lines for long work, on standard error so they never mix with
// results on standard output. On a terminal each line overwrites the last;
// elsewhere (CI logs) each is a line of its own.
#pragma once

#include <string>

namespace lockscope::engine::cli {

class Progress {
 public:
  Progress();
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void update(const std::string& what);

 private:
  bool tty_;
  bool dirty_ = false;
};

}  // namespace lockscope::engine::cli
