#include "traces/toml_schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace lockscope::traces::toml_schema {
namespace {

// " in [reads.cs_ns]", or nothing at the top level.
std::string in_table(std::string_view path) { return path.empty() ? std::string() : fmt::format(" in [{}]", path); }

std::string example_of(const Key& key) {
  return key.example.empty() ? std::string() : fmt::format(" (e.g. {})", key.example);
}

// "a string" / "strings", one per bit of `type`, joined with " or ".
std::string type_names(Type type, bool plural) {
  struct Name {
    Type type;
    std::string_view one;
    std::string_view many;
  };
  constexpr Name kNames[] = {
      {Type::string, "a string", "strings"},    {Type::integer, "an integer", "integers"},
      {Type::floating, "a float", "floats"},    {Type::boolean, "a boolean", "booleans"},
      {Type::array, "an array", "arrays"},      {Type::table, "a table", "tables"},
  };
  std::vector<std::string_view> names;
  for (const Name& n : kNames) {
    if (!allows(type, n.type)) continue;
    if (n.type == Type::floating && allows(type, Type::integer)) {
      names.back() = plural ? "numbers" : "a number";  // an integer or a float
      continue;
    }
    names.push_back(plural ? n.many : n.one);
  }
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i != 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

std::string expected_of(const Key& key) {
  if (!key.expected.empty()) return std::string(key.expected);
  if (key.type == Type::array && key.entries != Type::none) {
    return fmt::format("an array of {}", type_names(key.entries, true));
  }
  return type_names(key.type, false);
}

// "between 1 and 65536", "positive", "0 or more", ...
std::string range_text(const Range& r, bool integer) {
  auto bound = [&](double b) {
    return integer ? fmt::format("{}", static_cast<std::int64_t>(b)) : fmt::format("{}", b);
  };
  const bool has_min = std::isfinite(r.min);
  const bool has_max = std::isfinite(r.max);
  if (has_min && has_max) {
    return r.above_min ? fmt::format("more than {} and at most {}", bound(r.min), bound(r.max))
                       : fmt::format("between {} and {}", bound(r.min), bound(r.max));
  }
  if (has_min && r.min == 0) return r.above_min ? "positive" : "0 or more";
  if (has_min) return fmt::format("{} {}", r.above_min ? "more than" : "at least", bound(r.min));
  if (has_max) return fmt::format("at most {}", bound(r.max));
  return "any number";
}

std::expected<void, ParseError> check_number(const toml::node& value, const Key& key, std::string_view path,
                                             std::string_view file) {
  double v = 0;
  std::string shown;
  if (const auto* i = value.as_integer()) {
    v = static_cast<double>(i->get());
    shown = fmt::format("{}", i->get());
  } else {
    v = value.as_floating_point()->get();
    shown = fmt::format("{}", v);
    if (!std::isfinite(v)) {
      return std::unexpected(
          error_at(value.source(), file, fmt::format("`{}` is {}; it must be a finite number", path, shown)));
    }
  }
  const Range& r = key.range;
  if ((r.above_min ? v > r.min : v >= r.min) && v <= r.max) return {};
  return std::unexpected(error_at(
      value.source(), file,
      fmt::format("`{}` is {}; it must be {}", path, shown, range_text(r, !allows(key.type, Type::floating)))));
}

std::expected<void, ParseError> check_choice(const toml::node& value, const Key& key, std::string_view path,
                                             std::string_view file) {
  const std::string& text = value.as_string()->get();
  if (std::ranges::find(key.choices, text) != key.choices.end()) return {};
  std::string list;
  for (std::size_t i = 0; i < key.choices.size(); ++i) {
    if (i != 0) list += i + 1 == key.choices.size() ? " or " : ", ";
    list += fmt::format("\"{}\"", key.choices[i]);
  }
  std::string message = fmt::format("`{}` is \"{}\"; it must be {}", path, printable(text), list);
  if (const std::string_view best = closest(text, key.choices); !best.empty()) {
    message += fmt::format(" (did you mean \"{}\"?)", best);
  }
  return std::unexpected(error_at(value.source(), file, std::move(message)));
}

bool before(const toml::source_region& a, const toml::source_region& b) {
  return std::pair(a.begin.line, a.begin.column) < std::pair(b.begin.line, b.begin.column);
}

}  // namespace

std::expected<toml::table, ParseError> parse(std::string_view text, std::string_view file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return std::unexpected(error_at(e.source(), file, printable(e.description())));
  }
}

std::expected<void, ParseError> check(const toml::table& table, const Table& schema, std::string_view file,
                                      std::string_view path) {
  // toml++ keeps a table's keys sorted by name; errors go in file order.
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  entries.reserve(table.size());
  for (auto&& [key, value] : table) entries.emplace_back(&key, &value);
  std::ranges::stable_sort(entries,
                           [](const auto& a, const auto& b) { return before(a.first->source(), b.first->source()); });
  for (const auto& [key, value] : entries) {
    const Key* spec = find(schema, key->str());
    if (spec == nullptr) {
      return std::unexpected(
          error_at(key->source(), file, unknown_key(key->str(), schema, path, value->is_table())));
    }
    if (auto ok = check_value(*value, *spec, dotted(path, spec->name), file); !ok) return ok;
  }
  for (const Key& key : schema.keys) {
    if (!key.required || table.contains(key.name)) continue;
    toml::source_region where = table.source();
    if (where.begin.line == 0 && path.empty()) where.begin = {1, 1};  // an empty document
    return std::unexpected(
        error_at(where, file, fmt::format("missing key `{}`{}{}", key.name, in_table(path), example_of(key))));
  }
  return {};
}

std::expected<void, ParseError> check_value(const toml::node& value, const Key& key, std::string_view path,
                                            std::string_view file) {
  if (!has_type(value, key.type)) {
    return std::unexpected(error_at(value.source(), file, wrong_type(path, key, type_name(value)) + example_of(key)));
  }
  if (value.is_number()) return check_number(value, key, path, file);
  if (value.is_string() && !key.choices.empty()) return check_choice(value, key, path, file);
  if (const toml::array* array = value.as_array(); array != nullptr && key.entries != Type::none) {
    const Key entry{.name = key.name, .type = key.entries, .range = key.range, .choices = key.choices};
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (auto ok = check_value(*array->get(i), entry, fmt::format("{}[{}]", path, i), file); !ok) return ok;
    }
  }
  if (const toml::table* table = value.as_table(); table != nullptr && key.table != nullptr) {
    return check(*table, *key.table, file, path);
  }
  return {};
}

ParseError error_at(const toml::source_region& where, std::string_view file, std::string message) {
  return ParseError{where.path ? *where.path : std::string(file), where.begin.line, where.begin.column,
                    std::move(message)};
}

const Key* find(const Table& schema, std::string_view name) {
  const auto it = std::ranges::find(schema.keys, name, &Key::name);
  return it != schema.keys.end() ? &*it : nullptr;
}

std::string unknown_key(std::string_view name, const Table& schema, std::string_view path, bool is_table) {
  std::vector<std::string_view> names;
  names.reserve(schema.keys.size());
  for (const Key& key : schema.keys) names.push_back(key.name);
  std::string message =
      fmt::format("unknown {} `{}`{}", is_table ? "table" : "key", printable(name), in_table(path));
  if (const std::string_view best = closest(name, names); !best.empty()) {
    message += fmt::format(" (did you mean `{}`?)", best);
  } else {
    std::string known;
    for (const std::string_view n : names) known += fmt::format("{}{}", known.empty() ? "" : ", ", n);
    message += fmt::format(" (known: {})", known);
  }
  return message;
}

std::string wrong_type(std::string_view path, const Key& key, std::string_view actual) {
  return fmt::format("`{}` must be {}, not {}", path, expected_of(key), printable(actual));
}

bool has_type(const toml::node& value, Type type) {
  switch (value.type()) {
    case toml::node_type::string: return allows(type, Type::string);
    case toml::node_type::integer: return allows(type, Type::integer);
    case toml::node_type::floating_point: return allows(type, Type::floating);
    case toml::node_type::boolean: return allows(type, Type::boolean);
    case toml::node_type::array: return allows(type, Type::array);
    case toml::node_type::table: return allows(type, Type::table);
    default: return false;  // dates and times: no reader takes them
  }
}

std::string_view type_name(const toml::node& value) {
  switch (value.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::string dotted(std::string_view path, std::string_view name) {
  return path.empty() ? std::string(name) : fmt::format("{}.{}", path, name);
}

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string_view closest(std::string_view name, std::span<const std::string_view> candidates) {
  // Two edits is a near miss for a word, not for a two-letter one ("x" is
  // two edits from "max").
  const std::size_t limit = name.size() <= 3 ? 1 : 2;
  std::string_view best;
  std::size_t best_distance = limit + 1;
  for (const std::string_view candidate : candidates) {
    // A long input is far from every key; skip the quadratic table.
    if (name.size() > candidate.size() + limit || candidate.size() > name.size() + limit) continue;
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace lockscope::traces::toml_schema
