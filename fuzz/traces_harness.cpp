// Harnesses for the readers in traces/: workload traces, timelines and a
// sweep's results.csv. Each accepted input is also written back and read
// again: the readers and writers promise the same invariants.
#include "fuzz/harness.hpp"

#include "traces/fnv1a.hpp"
#include "traces/sweep_results.hpp"
#include "traces/timeline_file.hpp"
#include "traces/workload_reader.hpp"
#include "traces/workload_writer.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

namespace lockscope::fuzz {

void require(bool ok, std::string_view what) {
  if (ok) return;
  std::fprintf(stderr, "lockscope fuzz: property broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

Verdict fuzz_workload(std::string_view bytes) {
  std::istringstream in{std::string(bytes)};
  auto trace = traces::read_workload(in, "fuzz.workload");
  if (!trace) {
    require(!trace.error().message.empty(), "a workload error has a message");
    return Verdict::rejected;
  }
  std::ostringstream out;
  traces::write_workload(out, *trace);
  std::istringstream again{out.str()};
  auto reread = traces::read_workload(again, "rewritten.workload");
  require(reread.has_value(), "the writer's rendering of an accepted trace reads back: " + error_of(reread));
  require(*reread == *trace, "an accepted trace survives write and read unchanged");
  return Verdict::accepted;
}

namespace {

// FNV-1a 64 over everything before the last eight bytes, stored there
// little-endian, as docs/timeline-format.md specifies: lets the fuzzer past
// the checksum, which random mutations would almost never match.
std::string with_fixed_checksum(std::string_view bytes) {
  std::string fixed(bytes);
  if (fixed.size() < 8) return fixed;
  const std::uint64_t h = traces::fnv1a64(std::string_view(fixed).substr(0, fixed.size() - 8));
  for (std::size_t i = 0; i < 8; ++i) fixed[fixed.size() - 8 + i] = static_cast<char>((h >> (8 * i)) & 0xff);
  return fixed;
}

Verdict decode_and_reencode(std::string_view bytes) {
  auto timeline = traces::decode_timeline(bytes, "fuzz.lstl");
  if (!timeline) {
    require(!timeline.error().message.empty(), "a timeline error has a message");
    return Verdict::rejected;
  }
  auto encoded = traces::encode_timeline(*timeline);
  require(encoded.has_value(), "the writer encodes every timeline the reader accepts");
  auto redecoded = traces::decode_timeline(*encoded, "reencoded.lstl");
  require(redecoded.has_value(), "a re-encoded timeline decodes: " + error_of(redecoded));
  require(*redecoded == *timeline, "an accepted timeline survives encode and decode unchanged");
  return Verdict::accepted;
}

}  // namespace

Verdict fuzz_timeline(std::string_view bytes) {
  const Verdict as_is = decode_and_reencode(bytes);
  const Verdict fixed = decode_and_reencode(with_fixed_checksum(bytes));
  return as_is == Verdict::accepted || fixed == Verdict::accepted ? Verdict::accepted : Verdict::rejected;
}

Verdict fuzz_sweep_csv(std::string_view bytes) {
  auto table = traces::read_sweep_csv(bytes, "fuzz.csv");
  if (!table) {
    require(!table.error().message.empty(), "a results.csv error has a message");
    return Verdict::rejected;
  }
  auto reread = traces::read_sweep_csv(traces::write_sweep_csv(*table), "rewritten.csv");
  require(reread.has_value(), "the writer's rendering of an accepted results.csv reads back: " + error_of(reread));
  require(reread->rows.size() == table->rows.size() && reread->param_keys == table->param_keys,
          "an accepted results.csv keeps its rows and parameter columns when rewritten");
  return Verdict::accepted;
}

}  // namespace lockscope::fuzz
