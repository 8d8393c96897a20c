// A whole regular file mapped read-only into memory: how a large timeline
// is decoded without first copying its bytes (a 100 M-event file is half a
// gigabyte). The kernel pages the file in as the decoder walks it, reads
// ahead (the mapping is advised sequential), and the pages are the page
// cache's, not the process's heap: nothing is copied and the mapping's
// pages go when it does.
//
// map_file declines (nullopt) whatever it cannot map — no such file, a
// directory, a pipe or a /proc file whose size is not known ahead, an empty
// file — and the caller reads the file instead (read_file), which names the
// error when there is one. So a mapping never hides an error message.
//
// A mapped file must not shrink while it is mapped: the kernel answers a
// read past the new end with SIGBUS. lockscope writes its files to a
// temporary name and renames them over the old one (atomic_output.hpp), so
// its own writers never truncate a file a reader has mapped.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lockscope::traces {

class MappedFile {
 public:
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  [[nodiscard]] std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  friend std::optional<MappedFile> map_file(const std::string& path);
  MappedFile(const void* data, std::size_t size) : data_(data), size_(size) {}
  void unmap() noexcept;

  const void* data_ = nullptr;
  std::size_t size_ = 0;
};

// The mapping of `path`, or nullopt when it cannot be mapped (see above).
[[nodiscard]] std::optional<MappedFile> map_file(const std::string& path);

}  // namespace lockscope::traces
