#include "gui/model/csv_table.hpp"

#include <gtest/gtest.h>

namespace lockscope::gui {
namespace {

TEST(CsvTable, ReadsHeaderRowsAndQuotes) {
  const auto t = parse_csv("lock,cores,ops_per_s\r\ngraph,4,1.5e8\n\"a,b\",\"say \"\"hi\"\"\",\n");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->header, (std::vector<std::string>{"lock", "cores", "ops_per_s"}));
  ASSERT_EQ(t->rows.size(), 2U);
  EXPECT_EQ(t->rows[0], (std::vector<std::string>{"graph", "4", "1.5e8"}));
  EXPECT_EQ(t->rows[1], (std::vector<std::string>{"a,b", "say \"hi\"", ""}));
}

TEST(CsvTable, RejectsRaggedRowsWithTheirLine) {
  const auto t = parse_csv("a,b\n1,2\n3\n");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), "line 3: 1 fields, the header has 2");
  EXPECT_FALSE(parse_csv(""));
  EXPECT_FALSE(parse_csv("a,\"b\n"));
  const auto last = parse_csv("a,b\n1,2");  // no final newline
  ASSERT_TRUE(last);
  EXPECT_EQ(last->rows.size(), 1U);
}

}  // namespace
}  // namespace lockscope::gui
