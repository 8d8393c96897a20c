// Replays the fuzzers' findings and seeds through the same harnesses the
// fuzz targets run (fuzz/harness.hpp), so a fixed reader stays fixed in
// every build, sanitized or not. A kept crasher must be rejected with an
// error (the harness checks it has a message) unless its file name ends in
// `-accepted` (an input that is valid but once broke a round trip).
#include "fuzz/harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace lockscope::fuzz {
namespace {

namespace fs = std::filesystem;

struct KeptInput {
  std::string target;
  fs::path path;
};

std::vector<KeptInput> inputs_under(const char* folder) {
  std::vector<KeptInput> found;
  for (const Target& t : kTargets) {
    const fs::path dir = fs::path(LOCKSCOPE_FUZZ_DIR) / folder / t.name;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file()) found.push_back({std::string(t.name), entry.path()});
    }
  }
  std::sort(found.begin(), found.end(), [](const KeptInput& a, const KeptInput& b) { return a.path < b.path; });
  return found;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Harness harness_of(const std::string& name) {
  for (const Target& t : kTargets) {
    if (t.name == name) return t.run;
  }
  return nullptr;
}

class FuzzCrasher : public testing::TestWithParam<KeptInput> {};

TEST_P(FuzzCrasher, IsACleanErrorNow) {
  const KeptInput& input = GetParam();
  const Harness run = harness_of(input.target);
  ASSERT_NE(run, nullptr);
  const Verdict expected =
      input.path.stem().string().ends_with("-accepted") ? Verdict::accepted : Verdict::rejected;
  EXPECT_EQ(run(read_bytes(input.path)), expected) << input.path;
}

// One test per kept input, named after its target and file.
std::string test_name(const testing::TestParamInfo<KeptInput>& param) {
  std::string name = param.param.target + "_" + param.param.path.filename().string();
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Kept, FuzzCrasher, testing::ValuesIn(inputs_under("regressions")), test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FuzzCrasher);

// The seeds are real files (scenarios, docs examples, test inputs): most are
// accepted, and none may crash a reader.
TEST(FuzzCorpus, EverySeedReadsWithoutCrashing) {
  const auto seeds = inputs_under("corpus");
  EXPECT_FALSE(seeds.empty());
  std::size_t accepted = 0;
  for (const KeptInput& seed : seeds) {
    SCOPED_TRACE(seed.path.string());
    if (harness_of(seed.target)(read_bytes(seed.path)) == Verdict::accepted) ++accepted;
  }
  EXPECT_GT(accepted, 0U);
}

}  // namespace
}  // namespace lockscope::fuzz
