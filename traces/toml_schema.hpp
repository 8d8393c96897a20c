// Checking a TOML document against a schema: the one validator behind every
// TOML reader (scenario files, machine files, and any that comes later), so
// that all of them reject the same mistakes in the same words. Every error
// is a ParseError, printed as one line `file:line:column: message`:
//
//   s.toml:3:2: unknown table `wrties` (did you mean `writes`?)
//   m.toml:7:1: unknown key `fence_nss` (did you mean `fence_ns`?)
//   m.toml:2:13: `clock_ghz` must be a number, not a string
//   s.toml:2:9: `contexts.count` is 0; it must be between 1 and 65536
//   s.toml:2:18: `reads.cs_ns.dist` is "unifrom"; it must be "fixed", "uniform" or "exponential" (did you mean "uniform"?)
//   m.toml:1:1: missing key `l1_hit_ns` (e.g. l1_hit_ns = 1.2)
//
// An unknown key is reported at the key (with the closest allowed key
// within two edits, else the list of allowed keys); a wrong type, a number
// out of range or a string that is not one of its choices at the value; a
// missing required key at the table that lacks it (1:1 for the top level).
// What depends on several values (min <= max, exactly one of two keys)
// stays with the reader, which reports it through error_at() so that it
// reads the same.
//
// A schema is data: a Table is a list of Keys, and a Key whose value is a
// table may name that table's own schema, so one check() covers a document.
//
//   constexpr std::array kTopologyKeys = {
//       Key{.name = "groups", .type = Type::integer, .required = true, .range = between(1, 4096)},
//       Key{.name = "near_ns", .type = kNumber, .required = true, .range = kPositive}};
//   constexpr Table kTopology{kTopologyKeys};
//   constexpr std::array kRootKeys = {Key{.name = "topology", .type = Type::table, .table = &kTopology}};
//
// Its own library (lockscope::toml_schema: traces and toml++), so that what
// links traces alone, the GUI among them, does not link a TOML parser.
#pragma once

#include "traces/parse_error.hpp"

#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <expected>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace lockscope::traces::toml_schema {

// What a value may be; `Type::integer | Type::table` allows either.
enum class Type : std::uint8_t {
  none = 0,
  string = 1,
  integer = 2,
  floating = 4,
  boolean = 8,
  array = 16,
  table = 32,
};
constexpr Type operator|(Type a, Type b) {
  return static_cast<Type>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr bool allows(Type allowed, Type t) {
  return (static_cast<std::uint8_t>(allowed) & static_cast<std::uint8_t>(t)) != 0;
}
// An integer or a float: `clock_ghz = 3` and `clock_ghz = 3.5` both read.
inline constexpr Type kNumber = Type::integer | Type::floating;

// The bounds of a number (and of each number in an array). A float must
// also be finite, whatever the range.
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool above_min = false;  // `min` itself is out of range
};
inline constexpr Range kPositive{.min = 0, .above_min = true};
inline constexpr Range kNonNegative{.min = 0};
constexpr Range between(double min, double max) { return Range{.min = min, .max = max}; }

struct Table;

struct Key {
  std::string_view name;
  Type type = Type::none;
  bool required = false;
  Range range{};                                // for numbers, and for numbers in an array
  Type entries = Type::none;                    // an array's entries (none: not checked)
  std::span<const std::string_view> choices{};  // a string must be one of these (empty: any)
  const Table* table = nullptr;                 // a table value is checked against this
  std::string_view expected{};                  // what a type error says it must be, if
                                                // "an integer or a table" says too little
  std::string_view example{};                   // `e.g. ...` for a missing key or a type error
};

struct Table {
  std::span<const Key> keys;
};

// Parses TOML; a syntax error is reported at toml++'s position.
[[nodiscard]] std::expected<toml::table, ParseError> parse(std::string_view text, std::string_view file);

// Checks `table`, found at the dotted `path` ("" for the document itself),
// and every table below it that the schema describes. The first problem in
// file order wins; missing keys come after the keys that are there.
[[nodiscard]] std::expected<void, ParseError> check(const toml::table& table, const Table& schema,
                                                    std::string_view file, std::string_view path = {});

// Checks one value against `key` (its type, range, choices and entries),
// for values a schema cannot reach, such as the cells of a matrix. `path`
// names the value in the message (`latency_ns[1][0]`).
[[nodiscard]] std::expected<void, ParseError> check_value(const toml::node& value, const Key& key,
                                                          std::string_view path, std::string_view file);

// An error at `where`, in the file the node came from (a `--set` override
// carries its own) or else in `file`.
[[nodiscard]] ParseError error_at(const toml::source_region& where, std::string_view file, std::string message);

// The wording, for readers that check keys and values before they are in a
// document (the scenario's `--set key=value`):
//   unknown_key     unknown key `x` in [reads] (did you mean `cs_ns`?)
//   wrong_type      `writes.writers` must be an integer, not `abc`
[[nodiscard]] const Key* find(const Table& schema, std::string_view name);
[[nodiscard]] std::string unknown_key(std::string_view name, const Table& schema, std::string_view path,
                                      bool is_table = false);
[[nodiscard]] std::string wrong_type(std::string_view path, const Key& key, std::string_view actual);
[[nodiscard]] bool has_type(const toml::node& value, Type type);
[[nodiscard]] std::string_view type_name(const toml::node& value);  // "a string", "an integer", ...
[[nodiscard]] std::string dotted(std::string_view path, std::string_view name);  // "reads" + "cs_ns"
// A user's text inside a one-line message: control characters escaped (`\n`).
[[nodiscard]] std::string printable(std::string_view text);

// Levenshtein distance (insertions, deletions, substitutions), and the
// candidate closest to `name` within two edits ("" if none is).
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);
[[nodiscard]] std::string_view closest(std::string_view name, std::span<const std::string_view> candidates);

}  // namespace lockscope::traces::toml_schema
