// The writer thread: takes full chunks off the hand-off list, encodes them
// (raw_format.hpp: varints, per-thread deltas, lock ids instead of
// addresses) and writes them with write(2), so program threads never wait
// on I/O. At the end it sweeps the live threads' partial chunks and writes
// the thread and lock tables, /proc/self/maps and the end record.
//
// It blocks every signal (SIGINT and SIGTERM go to program threads, whose
// handler asks this thread to finish), takes no lock the program could
// hold and never mallocs (memory comes from mmap), so a program thread
// interrupted anywhere can still have the file finished.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockscope::record::interposer {

struct WriterStart {
  int fd = -1;
  std::uint64_t origin_ticks = 0;  // tick 0 of the file
  std::uint64_t origin_ns = 0;     // CLOCK_MONOTONIC at tick 0
  bool tsc = false;
  std::uint32_t pid = 0;
  std::uint32_t ppid = 0;
  int argc = 0;
  char** argv = nullptr;
};

// Writes the header and process record, starts the thread. False (nothing
// records) if the thread cannot be created.
bool start_writer(const WriterStart& start);

// Asks the writer to finish the file with `reason` ("exit 0", "signal
// SIGTERM"...) and waits until it has. The first caller's reason wins; any
// thread may call it, also from a signal handler (futex waits only). A no-op
// when nothing is being recorded.
void finish_recording(const char* reason);

}  // namespace lockscope::record::interposer
