// JsonWriter: the one JSON writer of lockscope's outputs (bench results,
// replay summaries, the Perfetto export). It writes in document order with
// no DOM, keeps track of commas and nesting, escapes strings per RFC 8259,
// and prints doubles with the shortest representation that round-trips
// (non-finite values become null, as JSON has no NaN). Misuse (a value where
// a key is due, closing what is not open) is a programming error and aborts.
//
// It builds a string (`str()`), or streams into an ostream in chunks of
// about a megabyte, for documents of millions of values (`finish()`).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace lockscope::traces {

class JsonWriter {
 public:
  // How an array's items are laid out in a one-line writer (indent 0).
  enum class Layout : std::uint8_t {
    compact,        // [1,2,3]
    line_per_item,  // [\n1,\n2,\n3\n]: a long array of events, diffable line by line
  };

  // indent = 0 writes one line; otherwise that many spaces per level.
  explicit JsonWriter(int indent = 2) : indent_(indent) {}
  // Streams into `out`; the text arrives there by `finish()` at the latest.
  JsonWriter(std::ostream& out, int indent);
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& begin_object();
  JsonWriter& end_object();
  // `layout` matters only when indent is 0; indented arrays put every item
  // on a line of its own anyway.
  JsonWriter& begin_array(Layout layout = Layout::compact);
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
  // A number the caller formatted, written as it is: for exact decimals a
  // double would not keep (exact_micros). Precondition: `literal` is a JSON
  // number.
  JsonWriter& number(std::string_view literal);

  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  // The finished document; aborts if an object or array is still open, or
  // if the writer streams.
  [[nodiscard]] const std::string& str() const;
  // Streaming: writes what is left to the ostream; aborts if an object or
  // array is still open.
  void finish();

  // `s` as a JSON string, quotes included.
  static std::string escape(std::string_view s);
  static void append_escaped(std::string& out, std::string_view s);

 private:
  struct Frame {
    bool object;
    bool line_per_item;
    bool has_items = false;
  };
  void before_value();
  void separate(Frame& frame);
  void newline(bool line_per_item);
  void flush_if_full();

  std::string out_;
  std::ostream* sink_ = nullptr;
  std::vector<Frame> stack_;
  bool key_pending_ = false;
  bool started_ = false;
  int indent_;
};

}  // namespace lockscope::traces
