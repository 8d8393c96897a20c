#include "traces/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

namespace lockscope::traces {

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    unmap();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() { unmap(); }

void MappedFile::unmap() noexcept {
  // munmap only fails for an address range that is not a mapping, which
  // data_ always is while set; nothing to report.
  if (data_ != nullptr) ::munmap(const_cast<void*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

std::optional<MappedFile> map_file(const std::string& path) {
  // Look before opening: opening a FIFO waits for its writer, and closing
  // it again (it cannot be mapped) may leave that writer without a reader,
  // a SIGPIPE in the middle of its write. read_file opens it once, to read.
  struct stat named {};
  if (::stat(path.c_str(), &named) != 0 || !S_ISREG(named.st_mode)) return std::nullopt;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  void* data = MAP_FAILED;
  std::size_t size = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    size = static_cast<std::size_t>(st.st_size);
    data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  }
  // The mapping holds its own reference to the file.
  ::close(fd);
  if (data == MAP_FAILED) return std::nullopt;
  // Advice only: read ahead, and let pages already walked go first.
  ::madvise(data, size, MADV_SEQUENTIAL);
  return MappedFile(data, size);
}

}  // namespace lockscope::traces
