// shared_mutex_nested: the C++ shape of a read-mostly table. Readers take a
// std::shared_mutex shared and, every fourth read, a std::mutex for the
// statistics inside it (nesting: the mutex is always taken under the
// shared lock); writers take the shared_mutex exclusively and log to an
// audit trail under a std::recursive_mutex taken twice (the recorder keeps
// the outer acquisition only). The main thread waits for the workers on a
// std::condition_variable.
//
//   shared_mutex_nested THREADS OPS_PER_THREAD WRITE_PERMILLE [--sleep-us N]
//
// Counts are decided by a per-thread seeded generator, so what it prints is
// the same on every run and a test can compare it with a recording.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace example {

// Globals, so the recording names them by their (demangled) symbols.
std::shared_mutex table_mutex;
std::mutex stats_mutex;
std::recursive_mutex audit_mutex;
std::mutex done_mutex;
std::condition_variable done_cv;

long table[64];
long stats_lookups = 0;
long audit_entries = 0;
int finished = 0;

struct Counts {
  pid_t tid = 0;
  long reads = 0;
  long writes = 0;
  long nested = 0;
};

void audit() {
  std::lock_guard outer(audit_mutex);
  std::lock_guard inner(audit_mutex);  // re-entered: a nested acquisition
  ++audit_entries;
}

void work(int index, long ops, long write_permille, long sleep_us, Counts& counts) {
  counts.tid = gettid();
  std::uint64_t state = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(index + 1);
  for (long i = 0; i < ops; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const auto slot = static_cast<std::size_t>((state >> 32) % 64);
    if (static_cast<long>(state % 1000) < write_permille) {
      std::unique_lock lock(table_mutex);
      table[slot] += 1;
      audit();
      ++counts.writes;
    } else {
      std::shared_lock lock(table_mutex);
      long v = table[slot];
      if (counts.reads % 4 == 0) {
        std::lock_guard stats(stats_mutex);
        stats_lookups += v >= 0 ? 1 : 0;
        ++counts.nested;
      }
      ++counts.reads;
    }
    if (sleep_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(sleep_us));
  }
  std::lock_guard lock(done_mutex);
  ++finished;
  done_cv.notify_all();
}

}  // namespace example

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s THREADS OPS_PER_THREAD WRITE_PERMILLE [--sleep-us N]\n", argv[0]);
    return 2;
  }
  const int threads = std::atoi(argv[1]);
  const long ops = std::atol(argv[2]);
  const long write_permille = std::atol(argv[3]);
  long sleep_us = 0;
  for (int i = 4; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--sleep-us") == 0) sleep_us = std::atol(argv[++i]);
  }
  if (threads <= 0 || threads > 1024 || ops < 0) {
    std::fprintf(stderr, "%s: bad arguments\n", argv[0]);
    return 2;
  }
  std::vector<example::Counts> counts(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back(example::work, i, ops, write_permille, sleep_us, std::ref(counts[static_cast<std::size_t>(i)]));
  }
  {
    std::unique_lock lock(example::done_mutex);
    example::done_cv.wait(lock, [&] { return example::finished == threads; });
  }
  long writes = 0;
  for (int i = 0; i < threads; ++i) {
    workers[static_cast<std::size_t>(i)].join();
    const example::Counts& c = counts[static_cast<std::size_t>(i)];
    std::printf("thread %d tid %d reads %ld writes %ld nested %ld\n", i, static_cast<int>(c.tid), c.reads, c.writes,
                c.nested);
    writes += c.writes;
  }
  std::printf("recursive_nested %ld\n", writes);
  return 0;
}
