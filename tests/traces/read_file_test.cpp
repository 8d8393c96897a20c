#include "traces/read_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace lockscope::traces {
namespace {

namespace fs = std::filesystem;

class ReadFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lockscope_read_file_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

  fs::path dir_;
};

TEST_F(ReadFile, ReadsEveryByte) {
  std::string bytes(300000, '\0');  // larger than one read, with NULs and high bytes
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  const auto text = read_file(write("data.bin", bytes));
  ASSERT_TRUE(text.has_value()) << text.error().to_string();
  EXPECT_EQ(*text, bytes);
}

// A listener hears of every chunk, in order, up to the whole size; saying
// no stops the reading with an error naming the file.
TEST_F(ReadFile, ReportsProgressByChunkAndCanBeCancelled) {
  std::string bytes(3 * kReadChunkBytes + 12345, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 13);
  const std::string path = write("big.bin", bytes);
  std::vector<std::size_t> seen;
  const auto text = read_file(path, bytes.size(), [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, bytes.size());
    seen.push_back(done);
    return true;
  });
  ASSERT_TRUE(text.has_value()) << text.error().to_string();
  EXPECT_EQ(*text, bytes);
  ASSERT_GE(seen.size(), 4U);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_LE(seen.front(), kReadChunkBytes);
  EXPECT_EQ(seen.back(), bytes.size());

  int calls = 0;
  const auto stopped = read_file(path, bytes.size(), [&](std::size_t, std::size_t) { return ++calls < 2; });
  ASSERT_FALSE(stopped.has_value());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(stopped.error().to_string(), path + ": cancelled");
}

TEST_F(ReadFile, EmptyFileIsEmpty) {
  const auto text = read_file(write("empty", ""));
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "");
}

TEST_F(ReadFile, MissingFileNamesTheFileAndTheReason) {
  const std::string path = (dir_ / "nowhere.toml").string();
  const auto text = read_file(path);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().to_string(), path + ": cannot open: No such file or directory");
}

TEST_F(ReadFile, DirectoryIsAnError) {
  const auto text = read_file(dir_.string());
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().to_string(), dir_.string() + ": cannot read: Is a directory");
}

TEST_F(ReadFile, FileOverTheLimitIsRefused) {
  const std::string path = write("big", std::string((2U << 20) + 1, 'x'));
  const auto text = read_file(path, std::size_t{2} << 20);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().to_string(), path + ": file is larger than 2 MiB");
  EXPECT_TRUE(read_file(path, std::size_t{3} << 20).has_value());
}

TEST_F(ReadFile, FileOfUnknownSizeIsReadToItsEnd) {
  // /proc files report size 0.
  const auto text = read_file("/proc/self/status");
  ASSERT_TRUE(text.has_value()) << text.error().to_string();
  EXPECT_NE(text->find("Name:"), std::string::npos);
}

}  // namespace
}  // namespace lockscope::traces
