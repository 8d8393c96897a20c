#include "record/interposer/writer.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <cstring>
#include <ctime>

#include "record/interposer/chunks.hpp"
#include "record/interposer/clock.hpp"
#include "record/interposer/mmap_vector.hpp"
#include "record/interposer/sys.hpp"
#include "record/interposer/thread_state.hpp"
#include "record/raw_format.hpp"

namespace lockscope::record::interposer {

std::uint64_t dropped_without_slot();  // thread_state.cpp

namespace {

namespace fmt = raw_format;

// 0 running, 3 a finisher is writing the reason, 1 finish requested, 2 done.
std::atomic<std::uint32_t> g_finish_state{0};
char g_finish_reason[96];
WriterStart g_start;

// ---- output ---------------------------------------------------------------

constexpr std::size_t kOutBytes = 1 << 20;
constexpr std::size_t kOutSlack = 160 * 1024;  // a whole encoded chunk record always fits
unsigned char* g_out = nullptr;
std::size_t g_out_size = 0;
bool g_write_failed = false;

void flush_out() {
  if (g_out_size == 0) return;
  if (!g_write_failed && !write_all(g_start.fd, g_out, g_out_size)) {
    g_write_failed = true;
    say("lockscope record: writing the recording failed (", strerrorname_np(errno),
        "); the file will be rejected as truncated");
  }
  g_out_size = 0;
}

void reserve_out(std::size_t bytes) {
  if (g_out_size + bytes > kOutBytes) flush_out();
}

// Appends one record: type, length, payload.
void emit(fmt::RecordType type, const unsigned char* payload, std::size_t size) {
  if (size + 16 > kOutBytes) {  // a large record (the maps text): write around the buffer
    flush_out();
    unsigned char head[16];
    head[0] = static_cast<unsigned char>(type);
    unsigned char* p = fmt::put_varint(head + 1, size);
    if (!g_write_failed && !(write_all(g_start.fd, head, static_cast<std::size_t>(p - head)) &&
                             write_all(g_start.fd, payload, size))) {
      g_write_failed = true;
    }
    return;
  }
  reserve_out(size + 16);
  g_out[g_out_size++] = static_cast<unsigned char>(type);
  g_out_size = static_cast<std::size_t>(fmt::put_varint(g_out + g_out_size, size) - g_out);
  std::memcpy(g_out + g_out_size, payload, size);
  g_out_size += size;
}

// A payload under construction, in a fixed scratch buffer.
struct Payload {
  unsigned char* begin;
  unsigned char* p;
  void varint(std::uint64_t v) { p = fmt::put_varint(p, v); }
  void byte(std::uint8_t b) { *p++ = b; }
  void text(const char* s, std::size_t n) {
    varint(n);
    std::memcpy(p, s, n);
    p += n;
  }
  std::size_t size() const { return static_cast<std::size_t>(p - begin); }
};

constexpr std::size_t kScratchBytes = kChunkRecords * 32 + 4096;
unsigned char* g_scratch = nullptr;

// ---- tables ---------------------------------------------------------------

struct WriterThread {
  std::uint64_t prev_end;
  std::uint64_t prev_lock;
  std::uint32_t prev_lock_id;
  bool has_prev_lock;
  bool seen;
  bool exited;
  std::uint32_t tid;
  std::uint32_t next_seq;
  std::uint64_t start;
  std::uint64_t end;
  char name[16];
};
MmapVector<WriterThread> g_threads;  // indexed by serial

struct WriterLock {
  std::uint64_t address;
  std::uint64_t callsite;
  std::uint64_t callsite_tick;
  std::uint64_t first_tick;
  std::uint8_t kind;
  bool has_callsite;
};
MmapVector<WriterLock> g_locks;  // indexed by id

// Open addressing, address -> id + 1 (0 = empty), kept under half full.
struct LockSlot {
  std::uint64_t address;
  std::uint32_t id1;
};
MmapVector<LockSlot> g_lock_index;
std::size_t g_lock_index_mask = 0;

std::uint64_t g_recursive_skipped = 0;
std::uint64_t g_dropped = 0;

std::size_t hash_address(std::uint64_t a) { return static_cast<std::size_t>((a >> 3) * 0x9E3779B97F4A7C15ull >> 20); }

bool rebuild_lock_index(std::size_t slots) {
  g_lock_index.release();
  if (!g_lock_index.ensure(slots - 1)) return false;
  g_lock_index_mask = slots - 1;
  for (std::size_t id = 0; id < g_locks.size(); ++id) {
    std::size_t i = hash_address(g_locks[id].address) & g_lock_index_mask;
    while (g_lock_index[i].id1 != 0) i = (i + 1) & g_lock_index_mask;
    g_lock_index[i] = {g_locks[id].address, static_cast<std::uint32_t>(id + 1)};
  }
  return true;
}

// The lock's id, declaring it on first sight. UINT32_MAX if memory ran out.
std::uint32_t lock_id(std::uint64_t address, std::uint8_t kind, std::uint64_t tick) {
  if (g_lock_index_mask == 0 && !rebuild_lock_index(1024)) return UINT32_MAX;
  std::size_t i = hash_address(address) & g_lock_index_mask;
  while (g_lock_index[i].id1 != 0) {
    if (g_lock_index[i].address == address) return g_lock_index[i].id1 - 1;
    i = (i + 1) & g_lock_index_mask;
  }
  const auto id = static_cast<std::uint32_t>(g_locks.size());
  if (!g_locks.push_back(WriterLock{address, 0, 0, tick, kind, false})) return UINT32_MAX;
  g_lock_index[i] = {address, id + 1};
  if (2 * g_locks.size() > g_lock_index_mask && !rebuild_lock_index(2 * (g_lock_index_mask + 1))) return UINT32_MAX;
  return id;
}

std::uint64_t rel(std::uint64_t tick) { return tick > g_start.origin_ticks ? tick - g_start.origin_ticks : 0; }

bool is_acquisition(std::uint8_t op) { return op == 0 || op == 1 || op == 3; }  // rdlock, wrlock, mutex_lock
std::uint8_t kind_of(std::uint8_t op) { return op <= 2 ? fmt::kLockRwlock : fmt::kLockMutex; }

// ---- encoding -------------------------------------------------------------

void encode_chunk(Chunk* chunk, std::uint32_t count) {
  const ChunkHeader& h = chunk->header;
  if (!g_threads.ensure(h.serial)) {
    g_dropped += count;
    return;
  }
  WriterThread& th = g_threads[h.serial];
  if (h.seq < th.next_seq) return;  // already written (the final sweep saw it twice)
  th.next_seq = h.seq + 1;
  th.tid = h.tid;
  if (count > kChunkRecords) count = kChunkRecords;

  Payload out{g_scratch, g_scratch};
  out.varint(h.serial);
  out.varint(h.tid);
  unsigned char* count_at = out.p;
  out.p += 4;  // patched below: a fixed 4-byte varint, so the count can be written after the events
  std::uint32_t written = 0;
  // The thread's delta state in locals: stores through the unsigned char
  // output pointer may alias anything, so fields would be reloaded per event.
  std::uint64_t prev_end = th.prev_end;
  std::uint64_t prev_lock = th.prev_lock;
  std::uint32_t prev_lock_id = th.prev_lock_id;
  bool has_prev_lock = th.has_prev_lock;
  unsigned char* p = out.p;
  if (!th.seen && count > 0) {
    th.seen = true;
    th.start = rel(chunk->records[0].begin);
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    const RawRecord r = chunk->records[i];
    auto flags = static_cast<std::uint8_t>(r.word >> 56);
    const std::uint8_t op = flags & fmt::kEventOpMask;
    if (op >= fmt::kOpCount) continue;  // cannot happen; never write what the reader would reject
    const std::uint64_t begin = rel(r.begin);
    std::uint64_t end = rel(r.end);
    if (end < begin) end = begin;  // a thread that migrated between two TSC reads
    std::uint32_t id = prev_lock_id;
    if (!has_prev_lock || prev_lock != r.lock) {
      id = lock_id(r.lock, kind_of(op), begin);
      if (id == UINT32_MAX) {
        ++g_dropped;
        continue;
      }
      flags |= fmt::kEventNewLock;
    }
    if ((flags & fmt::kEventNewLock) != 0 && is_acquisition(op)) {
      // Only where the thread's lock changed: a run of calls on one lock
      // has one callsite candidate, its first (which is the earliest).
      WriterLock& lock = g_locks[id];
      const bool ok = (flags & fmt::kEventOk) != 0;
      if (!lock.has_callsite || (ok && begin < lock.callsite_tick)) {
        lock.callsite = r.word & kCallerMask;
        lock.callsite_tick = begin;
        lock.has_callsite = ok;  // a failed try names the callsite only until a success does
      }
    }
    if (end > begin) flags |= fmt::kEventHasDuration;
    *p++ = flags;
    if ((flags & fmt::kEventNewLock) != 0) p = fmt::put_varint(p, id);
    p = fmt::put_varint(p, fmt::zigzag(static_cast<std::int64_t>(begin - prev_end)));
    if (end > begin) p = fmt::put_varint(p, end - begin);
    prev_end = end;
    prev_lock = r.lock;
    prev_lock_id = id;
    has_prev_lock = true;
    ++written;
  }
  out.p = p;
  th.prev_end = prev_end;
  th.prev_lock = prev_lock;
  th.prev_lock_id = prev_lock_id;
  th.has_prev_lock = has_prev_lock;
  for (int b = 0; b < 4; ++b) count_at[b] = static_cast<unsigned char>(((written >> (7 * b)) & 0x7f) | (b < 3 ? 0x80 : 0));
  if (h.thread_exited != 0) {
    th.exited = true;
    th.end = rel(h.end_tick);
    std::memcpy(th.name, h.name, sizeof th.name);
    g_recursive_skipped += h.recursive_skipped;
    g_dropped += h.dropped;
  }
  if (written > 0 || h.thread_exited != 0) emit(fmt::RecordType::chunk, out.begin, out.size());
}

// Encoded chunks rest here before going back to the free pool. A chunk
// reused at once is still in this core's cache, and the program thread
// that fills it next pays a cross-core invalidation per cacheline (one per
// two events: measured as +15 ns per lock/unlock pair). After 32 other
// chunks (2 MiB) its lines have left this core's L2.
constexpr std::size_t kCoolingChunks = 32;
Chunk* g_cooling[kCoolingChunks];
std::size_t g_cooling_next = 0;

void retire_chunk(Chunk* chunk) {
  Chunk* oldest = g_cooling[g_cooling_next];
  g_cooling[g_cooling_next] = chunk;
  g_cooling_next = (g_cooling_next + 1) % kCoolingChunks;
  if (oldest != nullptr) release_chunk(oldest);
}

void encode_list(Chunk* list) {
  while (list != nullptr) {
    Chunk* next = list->header.next.load(std::memory_order_relaxed);
    encode_chunk(list, list->header.count.load(std::memory_order_acquire));
    retire_chunk(list);
    list = next;
  }
}

// ---- the end --------------------------------------------------------------

struct Candidate {
  Chunk* chunk;
  std::uint64_t serial;
  std::uint32_t seq;
  std::uint32_t count;
  bool from_list;
};

void write_process_record() {
  Payload out{g_scratch, g_scratch};
  out.varint(g_start.pid);
  out.varint(g_start.ppid);
  out.byte(static_cast<std::uint8_t>(g_start.tsc ? fmt::ClockKind::tsc : fmt::ClockKind::monotonic));
  int argc = g_start.argc;
  std::size_t budget = kScratchBytes - 64;
  out.varint(static_cast<std::uint64_t>(argc));
  for (int i = 0; i < argc; ++i) {
    const char* arg = g_start.argv != nullptr && g_start.argv[i] != nullptr ? g_start.argv[i] : "";
    std::size_t n = std::strlen(arg);
    if (n + 12 > budget) n = budget > 12 ? budget - 12 : 0;  // an absurdly long command line is cut, not overrun
    budget -= n + 11;
    out.text(arg, n);
  }
  emit(fmt::RecordType::process, out.begin, out.size());
}

void write_threads(std::uint64_t end_tick) {
  for (std::size_t serial = 1; serial < g_threads.size(); ++serial) {
    WriterThread& th = g_threads[serial];
    if (!th.seen) continue;
    char name[64] = {};
    std::size_t name_len = 0;
    if (th.exited) {
      name_len = strnlen(th.name, sizeof th.name);
      std::memcpy(name, th.name, name_len);
    } else {
      char path[64] = "/proc/self/task/";
      format_u64(path + std::strlen(path), th.tid);
      std::strcat(path, "/comm");
      const long n = read_small_file(path, name, sizeof name);
      name_len = n > 0 ? static_cast<std::size_t>(n) : 0;
      while (name_len > 0 && name[name_len - 1] == '\n') --name_len;
    }
    Payload out{g_scratch, g_scratch};
    out.varint(serial);
    out.varint(th.tid);
    out.varint(th.start);
    out.varint(th.exited ? std::max(th.end, th.prev_end) : end_tick);
    out.text(name, name_len);
    emit(fmt::RecordType::thread, out.begin, out.size());
  }
}

void write_locks() {
  for (std::size_t id = 0; id < g_locks.size(); ++id) {
    const WriterLock& lock = g_locks[id];
    Payload out{g_scratch, g_scratch};
    out.varint(id);
    out.varint(lock.address);
    out.byte(lock.kind);
    out.varint(lock.callsite);
    out.varint(lock.first_tick);
    emit(fmt::RecordType::lock, out.begin, out.size());
  }
}

void write_maps() {
  MmapVector<char> text;
  std::size_t used = 0;
  const int fd = ::open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    while (text.ensure(used + 65535)) {
      const ssize_t n = ::read(fd, text.data() + used, 65536);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      used += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  emit(fmt::RecordType::maps, reinterpret_cast<const unsigned char*>(used > 0 ? text.data() : ""), used);
  text.release();
}

void finish() {
  // From here on, program threads stop handing chunks over (chunk_full) and
  // start no new threads; what they record after this is past the end.
  g_mode.store(Mode::finished, std::memory_order_seq_cst);

  MmapVector<Candidate> candidates;
  const std::uint32_t slots = slot_count();
  for (std::uint32_t i = 0; i < slots; ++i) {
    ThreadSlot& slot = slot_at(i);
    // acquire pairs with the release stores of live and current in thread_state.cpp.
    if (slot.live.load(std::memory_order_acquire) == 0) continue;
    g_recursive_skipped += slot.recursive_skipped.load(std::memory_order_relaxed);
    g_dropped += slot.dropped.load(std::memory_order_relaxed);
    Chunk* c = slot.current.load(std::memory_order_acquire);
    if (c == nullptr) continue;
    candidates.push_back(Candidate{c, c->header.serial, c->header.seq,
                                   c->header.count.load(std::memory_order_acquire), false});
  }
  // After the sweep: a chunk handed off before its thread published the next
  // one is on the list now (chunk_full hands off before publishing).
  for (Chunk* c = take_full_chunks(); c != nullptr; c = c->header.next.load(std::memory_order_relaxed)) {
    candidates.push_back(Candidate{c, c->header.serial, c->header.seq,
                                   c->header.count.load(std::memory_order_acquire), true});
  }
  std::sort(candidates.data(), candidates.data() + candidates.size(), [](const Candidate& a, const Candidate& b) {
    if (a.serial != b.serial) return a.serial < b.serial;
    if (a.seq != b.seq) return a.seq < b.seq;
    return a.from_list > b.from_list;  // the handed-off copy first: complete, with its exit data
  });
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0 && candidates[i].serial == candidates[i - 1].serial && candidates[i].seq == candidates[i - 1].seq) {
      continue;
    }
    encode_chunk(candidates[i].chunk, candidates[i].count);
  }
  candidates.release();

  const std::uint64_t end_tick = rel(now_ticks());
  write_threads(end_tick);
  write_locks();
  write_maps();

  // Calibration over at least 20 ms, so that a short run's tick rate is
  // still known to a few parts per million.
  ClockSample end = sample_clocks();
  if (g_start.tsc && end.ns - g_start.origin_ns < 20'000'000) {
    const std::uint64_t wait = 20'000'000 - (end.ns - g_start.origin_ns);
    timespec ts{0, static_cast<long>(wait)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    end = sample_clocks();
  }
  Payload out{g_scratch, g_scratch};
  out.varint(end_tick);
  out.varint(end.ticks - g_start.origin_ticks);
  out.varint(end.ns - g_start.origin_ns);
  out.varint(g_recursive_skipped);
  out.varint(g_dropped + dropped_without_slot());
  out.text(g_finish_reason, strnlen(g_finish_reason, sizeof g_finish_reason));
  emit(fmt::RecordType::end, out.begin, out.size());
  flush_out();
  ::close(g_start.fd);
}

void* writer_main(void*) {
  t_state.internal = true;
  prctl(PR_SET_NAME, "lockscope-rec", 0, 0, 0);
  for (;;) {
    // acquire pairs with hand_off's release increment.
    const std::uint32_t seen = g_writer_wake.load(std::memory_order_acquire);
    if (Chunk* list = take_full_chunks(); list != nullptr) {
      encode_list(list);
      refill_chunk_pool();
      continue;
    }
    if (g_finish_state.load(std::memory_order_acquire) == 1) break;
    flush_out();  // idle: let the file catch up
    futex_wait(&g_writer_wake, seen, 100);
  }
  finish();
  g_finish_state.store(2, std::memory_order_release);
  futex_wake_all(&g_finish_state);
  return nullptr;
}

}  // namespace

bool start_writer(const WriterStart& start) {
  g_start = start;
  g_out = static_cast<unsigned char*>(map_memory(kOutBytes + kOutSlack));
  g_scratch = static_cast<unsigned char*>(map_memory(kScratchBytes));
  if (g_out == nullptr || g_scratch == nullptr) return false;
  std::memcpy(g_out, fmt::kMagic, sizeof fmt::kMagic);
  const std::uint32_t version = fmt::kVersion;
  for (int i = 0; i < 4; ++i) g_out[8 + i] = static_cast<unsigned char>(version >> (8 * i));
  g_out_size = fmt::kHeaderBytes;
  write_process_record();
  flush_out();

  // The thread starts with every signal blocked: the program's signals are the program's.
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  const bool ok = pthread_create(&thread, &attr, writer_main, nullptr) == 0;
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return ok;
}

void finish_recording(const char* reason) {
  if (g_mode.load(std::memory_order_acquire) == Mode::off) return;
  std::uint32_t expected = 0;
  if (g_finish_state.compare_exchange_strong(expected, 3, std::memory_order_acq_rel)) {
    std::strncpy(g_finish_reason, reason, sizeof g_finish_reason - 1);
    // release: the writer reads the reason after seeing 1.
    g_finish_state.store(1, std::memory_order_release);
    g_writer_wake.fetch_add(1, std::memory_order_release);
    futex_wake_all(&g_writer_wake);
  }
  for (;;) {
    const std::uint32_t state = g_finish_state.load(std::memory_order_acquire);
    if (state == 2) return;
    futex_wait(&g_finish_state, state, 100);
  }
}

}  // namespace lockscope::record::interposer
