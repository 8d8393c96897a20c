// AtomicOutput: the one way lockscope writes a file, so that nobody ever
// finds one that looks complete and is not.
//
// The bytes go to a partial file beside the target (`<path>.partial-<pid>`,
// same folder so the rename cannot cross file systems) and `commit()` makes
// them durable (fsync) and renames the partial file over the target. Until
// then the target is absent or still the old file, whole. What can go wrong,
// and what each gets:
//   - a write error, a full disk (ENOSPC) or the file-size limit (EFBIG;
//     SIGXFSZ is ignored so that the limit is an error, not a kill): one
//     line, `<path>: cannot write: <reason>`, and the partial file removed;
//   - SIGINT, SIGTERM or SIGHUP: the partial files this process has open are
//     removed, then the signal's default action ends the process;
//   - SIGKILL or a power cut: the partial file stays behind, named as such;
//     the target is untouched.
//
// Writers that must hand a file name to a library (Qt's image and SVG
// writers) write to `partial_path()` themselves and then call `commit()`.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace lockscope::traces {

class AtomicOutput {
 public:
  // Creates the partial file. Fails (with the one-line error) when the
  // target's folder cannot be written.
  static std::expected<AtomicOutput, std::string> create(std::string path);

  AtomicOutput(AtomicOutput&& other) noexcept;
  AtomicOutput& operator=(AtomicOutput&&) = delete;
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  // Not committed: the partial file is removed and the target left alone.
  ~AtomicOutput();

  // Appends bytes (retrying short writes). The first error sticks: later
  // writes do nothing and commit() reports it.
  void write(std::string_view bytes);
  // The errno of the first failed write, 0 if none.
  [[nodiscard]] int error() const { return error_; }

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& partial_path() const { return partial_; }

  // fsync, close, rename over the target. Called once.
  std::expected<void, std::string> commit();

 private:
  AtomicOutput(std::string path, std::string partial, int fd, int slot);
  void discard();

  std::string path_;
  std::string partial_;
  int fd_ = -1;
  int slot_ = -1;  // in the signal handler's table; -1: not in it
  int error_ = 0;
};

// The whole text at once; "-" means standard output.
std::expected<void, std::string> write_file_atomically(const std::string& path, std::string_view bytes);

// "<path>: cannot write: <strerror(err)>", the one error line of every writer.
std::string cannot_write(std::string_view path, int err);

}  // namespace lockscope::traces
