// The libFuzzer entry point of one target: LOCKSCOPE_FUZZ_HARNESS names the
// harness (fuzz/CMakeLists.txt builds this file once per target).
#include "fuzz/harness.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)lockscope::fuzz::LOCKSCOPE_FUZZ_HARNESS(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
