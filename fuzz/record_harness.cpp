// The harness for the reader of `lockscope record`'s raw recordings
// (record/raw_reader.cpp). There is no writer to round-trip through (only
// the interposer writes the format, from a live process), so an accepted
// recording is checked against what the reader promises its consumer
// (engine/record/convert): every event names a declared lock, no event or
// thread ends before it begins (the reader checks it on the ticks; it must
// still hold in nanoseconds), threads come in order of their start.
#include "fuzz/harness.hpp"

#include "record/raw_format.hpp"
#include "record/raw_recording.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

namespace lockscope::fuzz {

namespace {

namespace rf = record::raw_format;

// Never a folder that exists (as in the machine harness).
constexpr std::string_view kNowhere = " /nonexistent-lockscope-fuzz/";

// The reader names locks from the ELF files the recording's maps record
// lists. A fuzzed recording must not reach the disk (what it would read
// depends on the machine, and loading libc's symbols costs a millisecond an
// input), so every path in a maps record is moved under kNowhere: a path
// always follows a space in /proc/PID/maps, which is where parse_proc_maps
// takes it from. Records are walked as the reader walks them; from the
// first one that does not parse, the bytes are kept as they are.
std::string maps_off_the_disk(std::string_view bytes) {
  if (bytes.size() < rf::kHeaderBytes) return std::string(bytes);
  std::string out(bytes.substr(0, rf::kHeaderBytes));
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data()) + rf::kHeaderBytes;
  const auto* end = reinterpret_cast<const unsigned char*>(bytes.data()) + bytes.size();
  while (p < end) {
    const unsigned char* record = p;
    const std::uint8_t type = *p++;
    std::uint64_t size = 0;
    if (!rf::get_varint(&p, end, &size) || size > static_cast<std::uint64_t>(end - p)) {
      p = record;
      break;
    }
    const std::string_view payload(reinterpret_cast<const char*>(p), size);
    p += size;
    if (type != static_cast<std::uint8_t>(rf::RecordType::maps)) {
      out.append(reinterpret_cast<const char*>(record), static_cast<std::size_t>(p - record));
      continue;
    }
    std::string maps;
    for (std::size_t at = 0; at < payload.size();) {
      const std::size_t path = payload.find(" /", at);
      maps.append(payload.substr(at, path == std::string_view::npos ? std::string_view::npos : path - at));
      if (path == std::string_view::npos) break;
      maps.append(kNowhere);
      at = path + 2;
    }
    unsigned char length[rf::kMaxVarintBytes];
    out.push_back(static_cast<char>(type));
    out.append(reinterpret_cast<const char*>(length),
               static_cast<std::size_t>(rf::put_varint(length, maps.size()) - length));
    out.append(maps);
  }
  out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p));
  return out;
}

}  // namespace

Verdict fuzz_raw_recording(std::string_view bytes) {
  const std::string moved = maps_off_the_disk(bytes);
  // An empty input reaches the reader as read_raw_recording() hands it an
  // empty file: no bytes and no pointer.
  auto rec = record::parse_raw_recording(moved.empty() ? std::string_view{} : std::string_view(moved), "fuzz.raw");
  if (!rec) {
    require(!rec.error().message.empty(), "a raw recording error has a message");
    require(rec.error().message.find('\n') == std::string::npos,
            "a raw recording error is one line: " + rec.error().to_string());
    return Verdict::rejected;
  }
  std::unordered_set<std::uint64_t> addresses;
  for (const record::RawLock& lock : rec->locks) addresses.insert(lock.address);
  for (const record::RawThread& thread : rec->threads) {
    require(thread.start_ns <= thread.end_ns, "no thread ends before it starts");
    for (const record::RawEvent& e : thread.events) {
      require(addresses.contains(e.lock), "every event names a lock of the lock table");
      require(e.begin_ns <= e.end_ns, "no event ends before it begins");
    }
  }
  require(std::is_sorted(rec->threads.begin(), rec->threads.end(),
                         [](const auto& a, const auto& b) { return a.start_ns < b.start_ns; }),
          "threads come in order of their start");
  return Verdict::accepted;
}

}  // namespace lockscope::fuzz
