#include "traces/mapped_file.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

namespace lockscope::traces {
namespace {

namespace fs = std::filesystem;

fs::path temp_path(const std::string& what) {
  return fs::temp_directory_path() / ("lockscope-mapped-" + what + "-" + std::to_string(getpid()));
}

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(MappedFile, AMappingHoldsTheFilesBytes) {
  std::string bytes(3 * 4096 + 17, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31 + 7);
  const fs::path path = temp_path("bytes");
  write(path, bytes);
  auto mapped = map_file(path.string());
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(mapped->bytes(), bytes);
  // Moved, the mapping goes with it; the moved-from one holds nothing.
  MappedFile other = std::move(*mapped);
  EXPECT_EQ(other.bytes(), bytes);
  EXPECT_TRUE(mapped->bytes().empty());  // NOLINT(bugprone-use-after-move): the state after a move is specified
  // The file's name may go while it is mapped.
  fs::remove(path);
  EXPECT_EQ(other.bytes(), bytes);
}

// What cannot be mapped is declined, so that the caller reads it and the
// reader names the error.
TEST(MappedFile, DeclinesWhatItCannotMap) {
  EXPECT_FALSE(map_file(temp_path("missing").string()).has_value());
  EXPECT_FALSE(map_file(fs::temp_directory_path().string()).has_value());
  const fs::path empty = temp_path("empty");
  write(empty, "");
  EXPECT_FALSE(map_file(empty.string()).has_value());
  fs::remove(empty);
  const fs::path fifo = temp_path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // O_RDONLY on a FIFO would block until a writer comes; keep one open.
  const int keep = ::open(fifo.c_str(), O_RDWR);
  ASSERT_GE(keep, 0);
  EXPECT_FALSE(map_file(fifo.string()).has_value());
  ::close(keep);
  fs::remove(fifo);
}

}  // namespace
}  // namespace lockscope::traces
