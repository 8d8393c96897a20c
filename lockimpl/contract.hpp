// Contract checks for lock algorithms. A violated contract (unlocking a lock
// you do not hold, reading in an unregistered context) is a bug in the
// caller, not a recoverable error: it aborts with the file, line and the
// condition, in release builds too, because a lock laboratory that silently
// corrupts its own state teaches nothing.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace lockscope::lockimpl {

[[noreturn]] inline void contract_failure(const char* condition, const char* what,
                                          const char* file, int line) {
  std::fprintf(stderr, "%s:%d: lockscope contract violated: %s (%s)\n", file, line, what,
               condition);
  std::abort();
}

}  // namespace lockscope::lockimpl

// Checks on a lock's fast path cost about a nanosecond per operation, as much
// as the operation itself; they are compiled in only when LOCKSCOPE_CHECKED
// is defined (Debug and ThreadSanitizer builds; CMake option
// LOCKSCOPE_CHECKED). Each lock says what it still catches without them.
#ifdef LOCKSCOPE_CHECKED
namespace lockscope::lockimpl { inline constexpr bool kFastPathChecked = true; }
#define LOCKSCOPE_FAST_PATH_CONTRACT(cond, what) LOCKSCOPE_CONTRACT(cond, what)
#else
namespace lockscope::lockimpl { inline constexpr bool kFastPathChecked = false; }
#define LOCKSCOPE_FAST_PATH_CONTRACT(cond, what) \
  do {                                           \
  } while (false)
#endif

#define LOCKSCOPE_CONTRACT(cond, what)                                                  \
  do {                                                                                \
    if (!(cond)) [[unlikely]]                                                         \
      ::lockscope::lockimpl::contract_failure(#cond, what, __FILE__, __LINE__);       \
  } while (false)
