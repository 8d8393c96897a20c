#include "traces/narrative.hpp"

#include <gtest/gtest.h>

namespace lockscope::traces {
namespace {

TEST(Narrative, IsTheLeadingCommentBlock) {
  EXPECT_EQ(narrative_of_text("\n# Title\n#\n#   indented\n\n# more\n[scenario]\n# not this\n"),
            "Title\n\n  indented\n\nmore\n");
  EXPECT_EQ(narrative_of_text("[scenario]\n# late\n"), "");
}

TEST(Narrative, KeepsCarriageReturnsOutOfTheText) {
  EXPECT_EQ(narrative_of_text("# one\r\n#two\r\n\r\nkey = 1\r\n"), "one\ntwo\n");
}

TEST(Narrative, OfAFileThatCannotBeReadIsEmpty) { EXPECT_EQ(narrative("/nonexistent/lockscope.toml"), ""); }

}  // namespace
}  // namespace lockscope::traces
