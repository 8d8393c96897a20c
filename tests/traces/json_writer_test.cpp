#include "traces/json_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace lockscope::traces {
namespace {

TEST(JsonWriter, WritesNestedDocumentCompactly) {
  JsonWriter w(0);
  w.begin_object();
  w.field("lock", "graph").field("threads", 2).field("ok", true);
  w.key("lat").begin_object().field("p50", std::uint64_t{12}).end_object();
  w.key("xs").begin_array().value(1.5).value(-3).null().end_array();
  w.key("empty").begin_array().end_array();
  w.end_object();
  EXPECT_EQ(w.str(),
            R"({"lock":"graph","threads":2,"ok":true,"lat":{"p50":12},"xs":[1.5,-3,null],"empty":[]})");
}

TEST(JsonWriter, IndentsNestedLevels) {
  JsonWriter w(2);
  w.begin_object().field("a", 1).key("b").begin_array().value(2).end_array().end_object();
  EXPECT_EQ(w.str(), "{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}");
}

TEST(JsonWriter, EscapesControlCharactersQuotesAndBackslashes) {
  EXPECT_EQ(JsonWriter::escape("a\"b\\c\n\t\x01"), R"("a\"b\\c\n\t\u0001")");
}

TEST(JsonWriter, NonFiniteDoublesBecomeNull) {
  JsonWriter w(0);
  w.begin_array().value(std::numeric_limits<double>::infinity()).value(std::nan("")).end_array();
  EXPECT_EQ(w.str(), "[null,null]");
}

TEST(JsonWriter, DoublesRoundTrip) {
  JsonWriter w(0);
  w.begin_array().value(0.1).value(1e-9).value(123456789.25).end_array();
  EXPECT_EQ(w.str(), "[0.1,1e-09,123456789.25]");
}

TEST(JsonWriterDeathTest, ValueWithoutKeyInObjectAborts) {
  JsonWriter w(0);
  w.begin_object();
  EXPECT_DEATH(w.value(1), "without a key");
}

TEST(JsonWriterDeathTest, UnclosedDocumentAborts) {
  JsonWriter w(0);
  w.begin_object();
  EXPECT_DEATH((void)w.str(), "open object");
}

}  // namespace
}  // namespace lockscope::traces
