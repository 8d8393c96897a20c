#include "traces/mapped_file.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
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
}

// A FIFO is declined by its name, never opened: opening one waits for a
// writer, and closing it again could leave the writer without a reader
// (SIGPIPE mid-write; TimelineFile.APipeIsReadThenDecoded died of it once
// in a loaded run). With no writer at all, map_file answers at once.
TEST(MappedFile, AFifoIsDeclinedWithoutOpeningIt) {
  const fs::path fifo = temp_path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto answer = std::async(std::launch::async, [&] { return map_file(fifo.string()).has_value(); });
  const bool answered = answer.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  if (!answered) {
    // It opened the FIFO and waits for a writer: give it one, so the test
    // ends (failed) instead of hanging.
    const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0) ::close(writer);
  }
  EXPECT_TRUE(answered) << "map_file opened the FIFO";
  EXPECT_FALSE(answer.get());
  fs::remove(fifo);
}

}  // namespace
}  // namespace lockscope::traces
