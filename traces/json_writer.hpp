// JsonWriter: a small streaming JSON writer for lockscope's outputs (bench
// results, replay summaries). It writes in document order with no DOM, keeps
// track of commas and nesting, escapes strings per RFC 8259, and prints
// doubles with the shortest representation that round-trips (non-finite
// values become null, as JSON has no NaN). Misuse (a value where a key is
// due, closing what is not open) is a programming error and aborts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockscope::traces {

class JsonWriter {
 public:
  // indent = 0 writes one line; otherwise that many spaces per level.
  explicit JsonWriter(int indent = 2) : indent_(indent) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(double d);
  JsonWriter& value(std::int64_t i);
  JsonWriter& value(std::uint64_t u);
  JsonWriter& value(int i) { return value(static_cast<std::int64_t>(i)); }
  JsonWriter& value(unsigned u) { return value(static_cast<std::uint64_t>(u)); }
  JsonWriter& null();

  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  // The finished document; aborts if an object or array is still open.
  [[nodiscard]] const std::string& str() const;

  static std::string escape(std::string_view s);

 private:
  enum class Frame : std::uint8_t { object, array };
  void before_value();
  void newline();

  std::string out_;
  std::vector<Frame> stack_;
  std::vector<bool> has_items_;
  bool key_pending_ = false;
  int indent_;
};

}  // namespace lockscope::traces
