#include "traces/csv.hpp"

#include <gtest/gtest.h>

namespace lockscope::traces {
namespace {

TEST(CsvField, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("graph.list_mutex"), "graph.list_mutex");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field("tab\tand space"), "tab\tand space");
}

TEST(CsvField, SplitCsvReadsBackWhatItWrote) {
  const std::vector<std::string> fields = {"plain", "a,b", "\"", "x\r\ny", ""};
  std::string line;
  for (const std::string& f : fields) {
    if (&f != &fields.front()) line += ',';
    line += csv_field(f);
  }
  const auto r = split_csv(line + "\n", "f.csv");
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ((*r)[0].fields, fields);
}

TEST(SplitCsv, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  const auto r = split_csv("a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",z\nlast,row", "f.csv");
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 4U);
  EXPECT_EQ((*r)[1].fields, (std::vector<std::string>{"x,y", "say \"hi\""}));
  EXPECT_EQ((*r)[2].fields, (std::vector<std::string>{"two\nlines", "z"}));
  // Records remember where they start: the blank line 3 is skipped, and the
  // quoted line break moves the next record to line 6.
  EXPECT_EQ((*r)[0].line, 1U);
  EXPECT_EQ((*r)[1].line, 2U);
  EXPECT_EQ((*r)[2].line, 4U);
  EXPECT_EQ((*r)[3].line, 6U);
  EXPECT_EQ((*r)[3].fields, (std::vector<std::string>{"last", "row"}));  // no final newline
}

TEST(SplitCsv, UnclosedQuoteIsAnErrorWithFileAndLine) {
  const auto r = split_csv("a,b\n1,\"open\nstill open", "results.csv");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().file, "results.csv");
  EXPECT_EQ(r.error().line, 3U);
}

}  // namespace
}  // namespace lockscope::traces
