#include "traces/json_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

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

TEST(JsonWriter, EscapesEveryControlCharacterAndNothingElse) {
  EXPECT_EQ(JsonWriter::escape(std::string("\0\b\f\r\x1f", 5)), R"("\u0000\b\f\r\u001f")");
  // DEL and bytes of UTF-8 sequences pass through: JSON text is UTF-8.
  EXPECT_EQ(JsonWriter::escape("\x7f/\xc2\xb5s"), "\"\x7f/\xc2\xb5s\"");
}

TEST(JsonWriter, KeysAreEscapedLikeValues) {
  JsonWriter w(0);
  w.begin_object().field("a\"b", "c\nd").end_object();
  EXPECT_EQ(w.str(), R"({"a\"b":"c\nd"})");
}

TEST(JsonWriter, NumbersTheCallerFormattedAreWrittenAsTheyAre) {
  JsonWriter w(0);
  w.begin_object().key("ts").number("0.000001").key("xs").begin_array().number("5").number("1.25").end_array();
  w.end_object();
  EXPECT_EQ(w.str(), R"({"ts":0.000001,"xs":[5,1.25]})");
}

TEST(JsonWriter, LinePerItemArraysPutEachItemOnALine) {
  JsonWriter w(0);
  w.begin_object().key("events").begin_array(JsonWriter::Layout::line_per_item);
  w.begin_object().field("a", 1).end_object();
  w.begin_array().value(2).value(3).end_array();  // nested arrays stay compact
  w.end_array().key("none").begin_array(JsonWriter::Layout::line_per_item).end_array().end_object();
  EXPECT_EQ(w.str(), "{\"events\":[\n{\"a\":1},\n[2,3]\n],\"none\":[]}");
}

TEST(JsonWriter, StreamsTheSameTextItBuilds) {
  const auto write = [](JsonWriter& w) {
    w.begin_array(JsonWriter::Layout::line_per_item);
    // Enough to cross the megabyte at which a streaming writer hands on.
    for (int i = 0; i < 100000; ++i) w.begin_object().field("i", i).field("name", "some text").end_object();
    w.end_array();
  };
  JsonWriter built(0);
  write(built);
  std::ostringstream out;
  JsonWriter streamed(out, 0);
  write(streamed);
  EXPECT_LT(out.str().size(), built.str().size());  // handed on before the end
  streamed.finish();
  EXPECT_EQ(out.str(), built.str());
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

TEST(JsonWriterDeathTest, FinishWithAnOpenArrayAborts) {
  std::ostringstream out;
  JsonWriter w(out, 0);
  w.begin_array();
  EXPECT_DEATH(w.finish(), "open object or array");
}

TEST(JsonWriterDeathTest, UnclosedDocumentAborts) {
  JsonWriter w(0);
  w.begin_object();
  EXPECT_DEATH((void)w.str(), "open object");
}

}  // namespace
}  // namespace lockscope::traces
