#include "traces/json_writer.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <ostream>

namespace lockscope::traces {
namespace {

// A streaming writer hands its text on in chunks of about this size.
constexpr std::size_t kFlushBytes = 1 << 20;

[[noreturn]] void misuse(const char* what) {
  std::fprintf(stderr, "lockscope: JsonWriter misuse: %s\n", what);
  std::abort();
}

}  // namespace

JsonWriter::JsonWriter(std::ostream& out, int indent) : sink_(&out), indent_(indent) {
  out_.reserve(kFlushBytes + 4096);
}

JsonWriter::~JsonWriter() {
  if (sink_ != nullptr) sink_->write(out_.data(), static_cast<std::streamsize>(out_.size()));
}

void JsonWriter::append_escaped(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string JsonWriter::escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_escaped(out, s);
  return out;
}

void JsonWriter::newline(bool line_per_item) {
  if (indent_ == 0) {
    if (line_per_item) out_.push_back('\n');
    return;
  }
  out_.push_back('\n');
  out_.append(stack_.size() * static_cast<std::size_t>(indent_), ' ');
}

// The comma and line break before an array item or an object's key.
void JsonWriter::separate(Frame& frame) {
  if (frame.has_items) out_.push_back(',');
  frame.has_items = true;
  newline(frame.line_per_item);
}

void JsonWriter::before_value() {
  if (stack_.empty()) {
    if (started_) misuse("a second top-level value");
    started_ = true;
    return;
  }
  if (stack_.back().object) {
    if (!key_pending_) misuse("a value in an object without a key");
    key_pending_ = false;
    return;
  }
  separate(stack_.back());
}

void JsonWriter::flush_if_full() {
  if (sink_ == nullptr || out_.size() < kFlushBytes) return;
  sink_->write(out_.data(), static_cast<std::streamsize>(out_.size()));
  out_.clear();
}

JsonWriter& JsonWriter::key(std::string_view name) {
  if (stack_.empty() || !stack_.back().object || key_pending_) misuse("a key outside an object");
  separate(stack_.back());
  append_escaped(out_, name);
  out_ += indent_ == 0 ? ":" : ": ";
  key_pending_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  stack_.push_back({.object = true, .line_per_item = false});
  return *this;
}

JsonWriter& JsonWriter::begin_array(Layout layout) {
  before_value();
  out_.push_back('[');
  stack_.push_back({.object = false, .line_per_item = layout == Layout::line_per_item});
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  if (stack_.empty() || !stack_.back().object || key_pending_) misuse("end_object");
  const Frame done = stack_.back();
  stack_.pop_back();
  if (done.has_items) newline(done.line_per_item);
  out_.push_back('}');
  flush_if_full();
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  if (stack_.empty() || stack_.back().object) misuse("end_array");
  const Frame done = stack_.back();
  stack_.pop_back();
  if (done.has_items) newline(done.line_per_item);
  out_.push_back(']');
  flush_if_full();
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  append_escaped(out_, s);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  before_value();
  if (!std::isfinite(d)) {
    out_ += "null";
  } else {
    fmt::format_to(std::back_inserter(out_), "{}", d);
  }
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t i) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", i);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t u) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", u);
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::number(std::string_view literal) {
  before_value();
  out_ += literal;
  return *this;
}

const std::string& JsonWriter::str() const {
  if (sink_ != nullptr) misuse("str() on a writer that streams");
  if (!stack_.empty()) misuse("str() with an open object or array");
  return out_;
}

void JsonWriter::finish() {
  if (sink_ == nullptr) misuse("finish() on a writer that builds a string");
  if (!stack_.empty()) misuse("finish() with an open object or array");
  sink_->write(out_.data(), static_cast<std::streamsize>(out_.size()));
  out_.clear();
}

}  // namespace lockscope::traces
