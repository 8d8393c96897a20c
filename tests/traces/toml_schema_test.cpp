#include "traces/toml_schema.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

namespace lockscope::traces::toml_schema {
namespace {

// A small schema with one of everything: the top level, a nested table, a
// table under it, choices, ranges, an array of numbers.
constexpr std::array<std::string_view, 2> kShapes = {"round", "square"};
constexpr std::array kInnerKeys = {
    Key{.name = "depth", .type = Type::integer, .required = true, .range = between(1, 9), .example = "depth = 3"},
};
constexpr Table kInner{kInnerKeys};
constexpr std::array kBoxKeys = {
    Key{.name = "width_ns", .type = kNumber, .required = true, .range = kPositive, .example = "width_ns = 2.5"},
    Key{.name = "shape", .type = Type::string, .choices = kShapes},
    Key{.name = "costs", .type = Type::array, .range = kNonNegative, .entries = kNumber},
    Key{.name = "inner", .type = Type::table, .table = &kInner},
};
constexpr Table kBox{kBoxKeys};
constexpr std::array kRootKeys = {
    Key{.name = "name", .type = Type::string, .required = true, .example = "name = \"b\""},
    Key{.name = "count", .type = Type::integer, .range = between(0, 100)},
    Key{.name = "size", .type = Type::integer | Type::table, .range = kNonNegative,
        .expected = "a size (an integer, or a table)"},
    Key{.name = "box", .type = Type::table, .table = &kBox},
};
constexpr Table kRoot{kRootKeys};

// The error `text` gets, as `file:line:column: message` ("" if it passes).
std::string error_of(std::string_view text) {
  auto doc = parse(text, "t.toml");
  if (!doc) return doc.error().to_string();
  auto ok = check(*doc, kRoot, "t.toml");
  return ok ? std::string() : ok.error().to_string();
}

TEST(TomlSchema, AValidDocumentPasses) {
  EXPECT_EQ(error_of("name = \"b\"\ncount = 3\nsize = 4\n[box]\nwidth_ns = 2\nshape = \"round\"\n"
                     "costs = [0, 1.5]\ninner = { depth = 2 }\n"),
            "");
  EXPECT_EQ(error_of("name = \"b\"\nsize = { anything = 1 }\n"), "") << "a table without a schema is not checked";
}

TEST(TomlSchema, MisspeltKeyGetsASuggestionAtTheKey) {
  EXPECT_EQ(error_of("name = \"b\"\n  cuont = 3\n"), "t.toml:2:3: unknown key `cuont` (did you mean `count`?)");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = 1\nshap = \"round\"\n"),
            "t.toml:4:1: unknown key `shap` in [box] (did you mean `shape`?)");
  EXPECT_EQ(error_of("name = \"b\"\n[box.inner]\ndepht = 2\n"),
            "t.toml:3:1: unknown key `depht` in [box.inner] (did you mean `depth`?)");
}

TEST(TomlSchema, UnknownKeyFarFromEveryKeyListsTheKnownOnes) {
  EXPECT_EQ(error_of("name = \"b\"\ncolour = 3\n"), "t.toml:2:1: unknown key `colour` (known: name, count, size, box)");
}

TEST(TomlSchema, UnknownTableIsCalledATable) {
  EXPECT_EQ(error_of("name = \"b\"\n[bx]\n"), "t.toml:2:2: unknown table `bx` (did you mean `box`?)");
}

TEST(TomlSchema, TheFirstProblemInFileOrderWins) {
  // toml++ keeps keys sorted by name; `zzz` comes first in the file.
  EXPECT_EQ(error_of("zzz = 1\nname = 5\n"), "t.toml:1:1: unknown key `zzz` (known: name, count, size, box)");
  EXPECT_EQ(error_of("name = 5\nzzz = 1\n"), "t.toml:1:8: `name` must be a string, not an integer (e.g. name = \"b\")");
}

TEST(TomlSchema, WrongTypeIsReportedAtTheValue) {
  EXPECT_EQ(error_of("name = \"b\"\ncount = \"many\"\n"), "t.toml:2:9: `count` must be an integer, not a string");
  EXPECT_EQ(error_of("name = \"b\"\ncount = 1.5\n"), "t.toml:2:9: `count` must be an integer, not a float");
  EXPECT_EQ(error_of("name = \"b\"\nsize = [1]\n"),
            "t.toml:2:8: `size` must be a size (an integer, or a table), not an array");
  EXPECT_EQ(error_of("name = \"b\"\nbox = 3\n"), "t.toml:2:7: `box` must be a table, not an integer");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = true\n"),
            "t.toml:3:12: `box.width_ns` must be a number, not a boolean (e.g. width_ns = 2.5)");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = 1\ncosts = 4\n"),
            "t.toml:4:9: `box.costs` must be an array of numbers, not an integer");
}

TEST(TomlSchema, ArrayEntriesAreCheckedOneByOne) {
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = 1\ncosts = [1, \"2\"]\n"),
            "t.toml:4:13: `box.costs[1]` must be a number, not a string");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = 1\ncosts = [1, 2, -3]\n"),
            "t.toml:4:16: `box.costs[2]` is -3; it must be 0 or more");
}

TEST(TomlSchema, OutOfRangeIsReportedAtTheValueWithTheRange) {
  EXPECT_EQ(error_of("name = \"b\"\ncount = 101\n"), "t.toml:2:9: `count` is 101; it must be between 0 and 100");
  EXPECT_EQ(error_of("name = \"b\"\nsize = -1\n"), "t.toml:2:8: `size` is -1; it must be 0 or more");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = 0\n"), "t.toml:3:12: `box.width_ns` is 0; it must be positive");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = -0.5\n"),
            "t.toml:3:12: `box.width_ns` is -0.5; it must be positive");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = inf\n"),
            "t.toml:3:12: `box.width_ns` is inf; it must be a finite number");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = 1\ninner = { depth = 10 }\n"),
            "t.toml:4:19: `box.inner.depth` is 10; it must be between 1 and 9");
}

TEST(TomlSchema, AStringOutsideItsChoicesGetsTheListAndASuggestion) {
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = 1\nshape = \"sqare\"\n"),
            "t.toml:4:9: `box.shape` is \"sqare\"; it must be \"round\" or \"square\" (did you mean \"square\"?)");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = 1\nshape = \"oval\"\n"),
            "t.toml:4:9: `box.shape` is \"oval\"; it must be \"round\" or \"square\"");
}

TEST(TomlSchema, MissingRequiredKeyIsReportedAtItsTable) {
  EXPECT_EQ(error_of("count = 1\n"), "t.toml:1:1: missing key `name` (e.g. name = \"b\")");
  EXPECT_EQ(error_of(""), "t.toml:1:1: missing key `name` (e.g. name = \"b\")");
  EXPECT_EQ(error_of("name = \"b\"\n\n[box]\nshape = \"round\"\n"),
            "t.toml:3:1: missing key `width_ns` in [box] (e.g. width_ns = 2.5)");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = 1\ninner = {}\n"),
            "t.toml:4:9: missing key `depth` in [box.inner] (e.g. depth = 3)");
}

TEST(TomlSchema, EveryErrorIsOneLine) {
  EXPECT_EQ(error_of("name = \"b\"\n\"a\\nb\" = 1\n"), "t.toml:2:1: unknown key `a\\nb` (known: name, count, size, box)");
  EXPECT_EQ(error_of("name = \"b\"\n[box]\nwidth_ns = 1\nshape = \"x\\ty\\n\"\n"),
            "t.toml:4:9: `box.shape` is \"x\\ty\\n\"; it must be \"round\" or \"square\"");
}

TEST(TomlSchema, SyntaxErrorHasToml_s_Position) {
  auto doc = parse("name = \"b\"\ncount = = 3\n", "t.toml");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().file, "t.toml");
  EXPECT_EQ(doc.error().line, 2U);
  EXPECT_GT(doc.error().column, 0U);
  EXPECT_EQ(doc.error().message.find('\n'), std::string::npos) << doc.error().message;
}

TEST(TomlSchema, AnErrorIsInTheFileItsNodeCameFrom) {
  // An override parsed on its own keeps its own source: `--set`, line 2.
  auto set = parse("\ncount = 500\n", "--set");
  ASSERT_TRUE(set.has_value());
  auto doc = parse("name = \"b\"\n", "t.toml");
  ASSERT_TRUE(doc.has_value());
  std::move(*set->get("count")).visit([&](auto&& v) { doc->insert_or_assign("count", std::move(v)); });
  auto ok = check(*doc, kRoot, "t.toml");
  ASSERT_FALSE(ok.has_value());
  EXPECT_EQ(ok.error().to_string(), "--set:2:9: `count` is 500; it must be between 0 and 100");
}

TEST(TomlSchema, CheckValueChecksOneValueByItsKey) {
  auto doc = parse("m = [[0, -1]]\n", "t.toml");
  ASSERT_TRUE(doc.has_value());
  constexpr Key kCell{.name = "m", .type = kNumber, .range = kNonNegative};
  const toml::node& cell = *doc->get("m")->as_array()->get(0)->as_array()->get(1);
  auto ok = check_value(cell, kCell, "m[0][1]", "t.toml");
  ASSERT_FALSE(ok.has_value());
  EXPECT_EQ(ok.error().to_string(), "t.toml:1:10: `m[0][1]` is -1; it must be 0 or more");
}

TEST(TomlSchema, TheWordingForOverrides) {
  EXPECT_EQ(unknown_key("boxx", kRoot, "", true), "unknown table `boxx` (did you mean `box`?)");
  EXPECT_EQ(unknown_key("shap", kBox, "box"), "unknown key `shap` in [box] (did you mean `shape`?)");
  EXPECT_EQ(wrong_type("count", *find(kRoot, "count"), "`lots`"), "`count` must be an integer, not `lots`");
  EXPECT_EQ(find(kRoot, "nothing"), nullptr);
  EXPECT_EQ(dotted("", "box"), "box");
  EXPECT_EQ(dotted("box", "inner"), "box.inner");
}

TEST(TomlSchema, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0U);
  EXPECT_EQ(edit_distance("abc", ""), 3U);
  EXPECT_EQ(edit_distance("", "abc"), 3U);
  EXPECT_EQ(edit_distance("fence_nss", "fence_ns"), 1U);  // a deletion
  EXPECT_EQ(edit_distance("slice_s", "slice_us"), 1U);    // an insertion
  EXPECT_EQ(edit_distance("maen", "mean"), 2U);           // a swap is two substitutions
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
}

TEST(TomlSchema, ClosestIsWithinTwoEditsAndOneForShortWords) {
  constexpr std::array<std::string_view, 4> kWords = {"dist", "mean", "min", "max"};
  EXPECT_EQ(closest("maen", kWords), "mean");
  EXPECT_EQ(closest("mni", kWords), "");   // two edits from min: too far for three letters
  EXPECT_EQ(closest("mn", kWords), "min");  // one edit
  EXPECT_EQ(closest("x", kWords), "");      // two edits from max: no
  EXPECT_EQ(closest("distribution", kWords), "");
  EXPECT_EQ(closest("mix", kWords), "min") << "a tie goes to the first candidate";
}

}  // namespace
}  // namespace lockscope::traces::toml_schema
