// Scenario files (TOML, docs/scenarios.md) into a validated Scenario.
//
// Reading is strict: an unknown table or key (a typo, with a suggestion), a
// value of the wrong type, a number out of range, an inconsistent
// distribution (min > max) or a TOML syntax error is a ParseError at the
// file, line and column of the offending key or value, in the words of
// every TOML reader (traces/toml_schema.hpp checks the file against the
// schema in scenario_reader.cpp); no input makes the reader crash or return
// a half-checked Scenario.
//
// Overrides (`lockscope generate --set key=value`) address any leaf by its
// dotted path — `writes.write_permille=5`, `reads.cs_ns.mean=40`,
// `reads.cs_ns={dist="uniform",min=10,max=30}` — and are applied to the
// parsed document before validation, so an override is checked exactly like
// the file. The value is TOML; a string may be given bare
// (`reads.cs_ns.dist=uniform`). Errors in an override (an unknown key, a
// malformed or mistyped value, or a range error found later) are reported
// as `--set:<n>:<column>: message`, where n counts the --set flags from 1
// and the column points into that flag's text, in the words an error in
// the file would use (`--set:1:8: unknown key `write_permile` in [writes]
// (did you mean `write_permille`?)`).
#pragma once

#include "engine/scenario/scenario.hpp"
#include "traces/parse_error.hpp"

#include <toml++/toml.h>

#include <cstddef>
#include <expected>
#include <span>
#include <string>
#include <string_view>

namespace lockscope::engine::scenario {

// A parsed, not yet validated scenario file: what overrides edit.
struct ScenarioDoc {
  toml::table table;
  std::string file;  // labels errors; the Scenario's `source`
};

// TOML syntax only; `file` labels errors.
[[nodiscard]] std::expected<ScenarioDoc, traces::ParseError> parse_scenario_doc(std::string_view text,
                                                                                std::string_view file);

// Applies one `key=value` override; `index` is its 1-based position among
// the --set flags (the error's line).
[[nodiscard]] std::expected<void, traces::ParseError> apply_override(ScenarioDoc& doc, std::string_view text,
                                                                     std::size_t index = 1);

// Checks every key and value and builds the Scenario (overrides not recorded).
[[nodiscard]] std::expected<Scenario, traces::ParseError> scenario_from_doc(const ScenarioDoc& doc);

// parse + overrides in order + validation; the Scenario records `file` and
// the override texts (they go into the trace's origin line).
[[nodiscard]] std::expected<Scenario, traces::ParseError> read_scenario(std::string_view text, std::string_view file,
                                                                        std::span<const std::string> overrides = {});

// Reads `path` (a missing or unreadable file is a ParseError with line 0).
[[nodiscard]] std::expected<Scenario, traces::ParseError> read_scenario_file(
    const std::string& path, std::span<const std::string> overrides = {});

}  // namespace lockscope::engine::scenario
