// The pieces every split into cluster jobs shares: quoting for the shell,
// result file names, reading jobs.txt, and the Slurm array script.
#include "engine/sweep/job_array.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace lockscope::engine::sweep {
namespace {

TEST(ShellQuote, WhatTheShellReadsBackIsTheWord) {
  for (const std::string& word : {std::string("plain-word_1.0"), std::string("has space"), std::string("it's"),
                                 std::string("reads.cs_ns={dist=\"fixed\",mean=5}"), std::string("$HOME`x`\\n"),
                                 std::string("")}) {
    const std::string cmd = "printf %s " + shell_quote(word);
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[256];
    while (const std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    pclose(p);
    EXPECT_EQ(out, word) << cmd;
  }
  EXPECT_EQ(shell_quote("graph"), "graph");
}

TEST(JobArray, ResultFilesAreNumberedFromOneInPlanOrder) {
  EXPECT_EQ(run_file_name(0, "csv"), "runs/000001.csv");
  EXPECT_EQ(run_file_name(99'999, "toml"), "runs/100000.toml");
}

TEST(JobArray, LinesOfCountsALastLineWithoutNewline) {
  EXPECT_EQ(lines_of("a\nb\n"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(lines_of("a\n\nc"), (std::vector<std::string>{"a", "", "c"}));
  EXPECT_TRUE(lines_of("").empty());
}

TEST(JobArray, ABigSplitIsCappedAtSlurmsDefaultArraySize) {
  const std::string small = slurm_array_script("/d", 3, "explore", "toml");
  EXPECT_NE(small.find("#SBATCH --array=0-2\n"), std::string::npos) << small;
  EXPECT_NE(small.find("#SBATCH --job-name=lockscope-explore\n"), std::string::npos);
  EXPECT_NE(small.find("\"/d/runs/$(printf %06d \"$n\").toml\""), std::string::npos) << small;
  const std::string big = slurm_array_script("/d", 4200, "sweep", "csv");
  EXPECT_NE(big.find("#SBATCH --array=0-999\n"), std::string::npos) << big;
  EXPECT_NE(big.find("tasks=1000\n"), std::string::npos);
}

}  // namespace
}  // namespace lockscope::engine::sweep
