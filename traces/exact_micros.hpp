// Picoseconds written as exact microseconds, the time unit of the Perfetto
// and Pajé exports: a decimal with up to six fractional digits and no
// trailing zeros, so a picosecond survives where a double would round or
// switch to exponent form. 1234567 -> "1.234567", 5000000 -> "5",
// 1 -> "0.000001", 1500000 -> "1.5".
#pragma once

#include <cstdint>
#include <string>

namespace lockscope::traces {

void append_exact_micros(std::string& out, std::uint64_t ps);
[[nodiscard]] std::string exact_micros(std::uint64_t ps);

}  // namespace lockscope::traces
