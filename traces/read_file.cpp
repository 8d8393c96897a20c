#include "traces/read_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace lockscope::traces {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

ParseError whole_file_error(const std::string& path, std::string message) {
  return ParseError{path, 0, 0, std::move(message)};
}

}  // namespace

std::expected<std::string, ParseError> read_file(const std::string& path, std::size_t max_bytes,
                                                 const ReadProgress& progress) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::unexpected(whole_file_error(path, fmt::format("cannot open: {}", std::strerror(errno))));
  const auto too_big = [&] {
    return whole_file_error(path, fmt::format("file is larger than {} MiB", max_bytes >> 20));
  };

  std::string bytes;
  struct stat st {};
  std::size_t known_size = 0;  // a regular file's: progress is reported against it
  if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<std::size_t>(st.st_size);
    known_size = size;
    if (size > max_bytes) return std::unexpected(too_big());
    // One more byte than the size, so that the read that finds the end
    // needs no second allocation.
    bytes.reserve(size + 1);
  }
  std::size_t used = 0;
  for (;;) {
    if (bytes.size() == used) bytes.resize(std::max<std::size_t>(bytes.capacity(), std::max<std::size_t>(2 * used, 1 << 16)));
    // With a listener, a chunk at a time, so that it hears of each.
    const std::size_t want = progress && known_size > 0 ? std::min(bytes.size() - used, kReadChunkBytes) : bytes.size() - used;
    const ssize_t got = ::read(fd.get(), bytes.data() + used, want);
    if (got < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(whole_file_error(path, fmt::format("cannot read: {}", std::strerror(errno))));
    }
    if (got == 0) break;
    used += static_cast<std::size_t>(got);
    if (used > max_bytes) return std::unexpected(too_big());
    if (progress && known_size > 0 && !progress(std::min(used, known_size), known_size)) {
      return std::unexpected(whole_file_error(path, "cancelled"));
    }
  }
  bytes.resize(used);
  return bytes;
}

}  // namespace lockscope::traces
