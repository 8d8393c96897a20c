#include "engine/platform/real_platform.hpp"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lockscope::engine::platform {
namespace {

long membarrier(int cmd) { return syscall(__NR_membarrier, cmd, 0, 0); }

struct MembarrierState {
  bool available = false;
  const char* reason = "";
};

MembarrierState probe_membarrier() {
  const long supported = membarrier(MEMBARRIER_CMD_QUERY);
  if (supported < 0) return {false, "membarrier(2) is not implemented by this kernel"};
  if ((supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) {
    return {false, "this kernel's membarrier(2) lacks MEMBARRIER_CMD_PRIVATE_EXPEDITED"};
  }
  if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) != 0) {
    return {false, "registering for private expedited membarrier(2) failed"};
  }
  return {true, ""};
}

const MembarrierState& membarrier_state() {
  static const MembarrierState state = probe_membarrier();
  return state;
}

}  // namespace

bool RealPlatform::heavy_barrier_available() { return membarrier_state().available; }

const char* RealPlatform::heavy_barrier_unavailable_reason() { return membarrier_state().reason; }

void RealPlatform::heavy_barrier() {
  if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0) {
    std::fprintf(stderr, "lockscope: membarrier(PRIVATE_EXPEDITED) failed: %s\n",
                 std::strerror(errno));
    std::abort();
  }
}

}  // namespace lockscope::engine::platform
