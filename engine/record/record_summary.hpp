// A recording's summary: on the terminal after `lockscope record`, and as
// JSON (`--json`). Every summary states what the interposer cannot see.
#pragma once

#include <cstdio>
#include <string>

#include "engine/record/convert.hpp"
#include "record/raw_recording.hpp"

namespace lockscope::engine::record {

[[nodiscard]] std::string summary_json(const RecordSummary& s, const lockscope::record::RawRecording& raw);
void print_record_summary(std::FILE* out, const RecordSummary& s, const lockscope::record::RawRecording& raw,
                          std::size_t max_locks = 10);

}  // namespace lockscope::engine::record
