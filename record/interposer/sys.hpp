// System helpers for the interposer that use neither the heap nor stdio:
// the interposer runs inside a program that may hold malloc's or stdio's
// locks at any moment (a signal handler finalizing the recording, a fork
// child), so everything here is a raw syscall or plain memory.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace lockscope::record::interposer {

// write(2) until everything is written or an error other than EINTR.
bool write_all(int fd, const void* data, std::size_t size);

// Writes one line to stderr (fd 2) in one write(2), so it does not
// interleave with the program's output mid-line.
void say(const char* a, const char* b = "", const char* c = "", const char* d = "", const char* e = "");

// Decimal text of `v` in `buf` (at least 21 bytes), NUL-terminated; returns buf.
char* format_u64(char* buf, std::uint64_t v);

// Reads up to `size` - 1 bytes of `path` into `buf`, NUL-terminated;
// returns the byte count, or -1.
long read_small_file(const char* path, char* buf, std::size_t size);

std::uint32_t current_tid();

// futex(2) on a 32-bit atomic: wait while it holds `expected` (at most
// `timeout_ms`, 0 = forever), wake every waiter.
void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected, unsigned timeout_ms);
void futex_wake_all(std::atomic<std::uint32_t>* word);

// Anonymous private memory, zero-filled, never touching malloc. nullptr on failure.
void* map_memory(std::size_t bytes);

}  // namespace lockscope::record::interposer
