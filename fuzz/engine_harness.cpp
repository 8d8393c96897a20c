// Harnesses for the readers in engine/: scenario files with --set overrides,
// machine files and core-to-core latency CSVs.
#include "fuzz/harness.hpp"

#include "engine/machine/machine_file.hpp"
#include "engine/scenario/scenario_reader.hpp"

#include <string>
#include <vector>

namespace lockscope::fuzz {

namespace {

// Never a folder that exists: a relative latency_csv in a fuzzed machine
// file cannot reach the disk.
constexpr const char* kMachineSource = "/nonexistent-lockscope-fuzz/fuzz.toml";

}  // namespace

// The input is a scenario file; every line after the first line that is
// exactly `#--set` (a TOML comment, so a plain scenario file is a valid
// input) is one override, as `lockscope generate --set LINE` would pass it.
Verdict fuzz_scenario(std::string_view bytes) {
  constexpr std::string_view kSeparator = "#--set\n";
  std::string_view text = bytes;
  std::vector<std::string> overrides;
  std::size_t at = bytes.starts_with(kSeparator) ? 0 : bytes.find(std::string("\n").append(kSeparator));
  if (at != std::string_view::npos) {
    const std::size_t start = at == 0 ? 0 : at + 1;
    text = bytes.substr(0, start);
    std::string_view rest = bytes.substr(start + kSeparator.size());
    while (!rest.empty()) {
      const std::size_t end = rest.find('\n');
      overrides.emplace_back(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    }
  }
  auto scenario = engine::scenario::read_scenario(text, "fuzz.toml", overrides);
  if (!scenario) {
    require(!scenario.error().message.empty(), "a scenario error has a message");
    require(scenario.error().message.find('\n') == std::string::npos,
            "a scenario error is one line: " + scenario.error().to_string());
    return Verdict::rejected;
  }
  return Verdict::accepted;
}

Verdict fuzz_machine(std::string_view bytes) {
  auto machine = engine::machine::parse_machine_toml(bytes, kMachineSource);
  if (!machine) {
    require(!machine.error().message.empty(), "a machine file error has a message");
    require(machine.error().message.find('\n') == std::string::npos,
            "a machine file error is one line: " + machine.error().to_string());
    return Verdict::rejected;
  }
  auto reread = engine::machine::parse_machine_toml(engine::machine::write_machine_toml(*machine), kMachineSource);
  require(reread.has_value(), "the writer's rendering of an accepted machine file reads back: " + error_of(reread));
  return Verdict::accepted;
}

Verdict fuzz_latency_csv(std::string_view bytes) {
  auto machine = engine::machine::parse_latency_csv(bytes, "fuzz.csv");
  if (!machine) {
    require(!machine.error().message.empty(), "a latency CSV error has a message");
    return Verdict::rejected;
  }
  return Verdict::accepted;
}

}  // namespace lockscope::fuzz
