// `lockscope study`: lists, errors in one line, and a table with a row per
// thread count.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "tests/engine/cli/run_cli.hpp"

namespace lockscope::testing {
namespace {

TEST(StudyCommand, ListsTheStudies) {
  const CliRun r = run_cli("study --list");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("sosp13-xeon"), std::string::npos);
  EXPECT_NE(r.out.find("xeon-80-sosp13"), std::string::npos);
}

TEST(StudyCommand, UnknownStudyIsOneLineAndExit2) {
  const CliRun r = run_cli("study no-such-study");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown study 'no-such-study'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
}

TEST(StudyCommand, ThreadsOutsideTheMachineAreRefused) {
  const CliRun r = run_cli("study --threads 81");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--threads"), std::string::npos) << r.err;
}

TEST(StudyCommand, UnknownArbitrationIsRefused) {
  const CliRun r = run_cli("study --arbitration random");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--arbitration: 'random'"), std::string::npos) << r.err;
}

TEST(StudyCommand, PrintsARowPerThreadCountAndWritesCsv) {
  const auto csv = std::filesystem::temp_directory_path() / ("lockscope_study_" + std::to_string(::getpid()) + ".csv");
  const CliRun r = run_cli("study sosp13-xeon --threads 1,2,10 --duration-us 5 --rounds 2 --csv " + csv.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("PUBLISHED"), std::string::npos);
  EXPECT_NE(r.out.find("held out"), std::string::npos);
  // After the THREADS header, one row per thread count, in order.
  std::istringstream lines(r.out.substr(r.out.find("THREADS")));
  std::string line;
  std::getline(lines, line);
  std::string rows;
  for (int i = 0; i < 3 && std::getline(lines, line); ++i) {
    std::istringstream cells(line);
    std::string threads;
    cells >> threads;
    rows += threads + " ";
  }
  EXPECT_EQ(rows, "1 2 10 ");
  const std::string text = slurp(csv);
  std::filesystem::remove(csv);
  EXPECT_EQ(text.rfind("section,op,distance,threads,published,simulated,ratio,use\n", 0), 0U) << text;
  EXPECT_NE(text.find("contended_mops,FAI,,10,"), std::string::npos) << text;
  EXPECT_NE(text.find("ccbench_cycles,CAS,one hop,2,324,"), std::string::npos) << text;
}

}  // namespace
}  // namespace lockscope::testing
