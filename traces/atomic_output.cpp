#include "traces/atomic_output.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace lockscope::traces {
namespace {

// The partial files open now, for the signal handler. It may only read
// this table and call unlink (both async-signal-safe), so the table is
// fixed: a slot is a path buffer and a flag. A file that finds no free slot
// is still written atomically; only its cleanup on a signal is lost.
constexpr int kSlots = 64;
struct Slot {
  std::atomic<bool> used{false};
  char path[PATH_MAX];
};
Slot g_slots[kSlots];

void remove_partials_and_die(int sig) {
  for (Slot& s : g_slots) {
    // acquire pairs with the release in claim_slot(): the path is whole.
    if (s.used.load(std::memory_order_acquire)) ::unlink(s.path);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Once per process: our handler where nobody else installed one (a sweep
// installs its own while its children run, and restores ours), and SIGXFSZ
// ignored so that a file-size limit is an EFBIG error, not a kill.
void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;
      struct sigaction sa {};
      sa.sa_handler = remove_partials_and_die;
      sigemptyset(&sa.sa_mask);
      ::sigaction(sig, &sa, nullptr);
    }
    struct sigaction old {};
    if (::sigaction(SIGXFSZ, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) ::signal(SIGXFSZ, SIG_IGN);
  });
}

int claim_slot(const std::string& partial) {
  if (partial.size() >= PATH_MAX) return -1;
  static std::mutex claiming;  // one claimer at a time; the handler never waits on it
  std::lock_guard<std::mutex> guard(claiming);
  for (int i = 0; i < kSlots; ++i) {
    // relaxed: only claimers set the flag, and they hold `claiming`.
    if (g_slots[i].used.load(std::memory_order_relaxed)) continue;
    std::memcpy(g_slots[i].path, partial.c_str(), partial.size() + 1);
    // release pairs with the acquire in remove_partials_and_die().
    g_slots[i].used.store(true, std::memory_order_release);
    return i;
  }
  return -1;
}

void release_slot(int slot) {
  // release: the handler must not unlink a path we are about to reuse.
  if (slot >= 0) g_slots[slot].used.store(false, std::memory_order_release);
}

}  // namespace

std::string cannot_write(std::string_view path, int err) {
  return fmt::format("{}: cannot write: {}", path, std::strerror(err));
}

std::expected<AtomicOutput, std::string> AtomicOutput::create(std::string path) {
  install_handlers();
  std::string partial = fmt::format("{}.partial-{}", path, ::getpid());
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return std::unexpected(cannot_write(path, errno));
  const int slot = claim_slot(partial);
  return AtomicOutput(std::move(path), std::move(partial), fd, slot);
}

AtomicOutput::AtomicOutput(std::string path, std::string partial, int fd, int slot)
    : path_(std::move(path)), partial_(std::move(partial)), fd_(fd), slot_(slot) {}

AtomicOutput::AtomicOutput(AtomicOutput&& other) noexcept
    : path_(std::move(other.path_)),
      partial_(std::move(other.partial_)),
      fd_(other.fd_),
      slot_(other.slot_),
      error_(other.error_) {
  other.fd_ = -1;
  other.slot_ = -1;
  other.partial_.clear();
}

AtomicOutput::~AtomicOutput() { discard(); }

void AtomicOutput::discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!partial_.empty()) ::unlink(partial_.c_str());
  partial_.clear();
  release_slot(slot_);
  slot_ = -1;
}

void AtomicOutput::write(std::string_view bytes) {
  while (error_ == 0 && !bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? errno : EIO;
      break;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::expected<void, std::string> AtomicOutput::commit() {
  int err = error_;
  // fsync before rename: after a crash, the target is the old file or the
  // whole new one, never an empty or partial one.
  if (err == 0 && ::fsync(fd_) != 0) err = errno;
  if (::close(fd_) != 0 && err == 0) err = errno;
  fd_ = -1;
  if (err == 0 && std::rename(partial_.c_str(), path_.c_str()) != 0) err = errno;
  if (err != 0) {
    discard();
    return std::unexpected(cannot_write(path_, err));
  }
  partial_.clear();
  release_slot(slot_);
  slot_ = -1;
  return {};
}

std::expected<void, std::string> write_file_atomically(const std::string& path, std::string_view bytes) {
  if (path == "-") {
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size() && std::fflush(stdout) == 0;
    if (!ok) return std::unexpected(cannot_write("standard output", errno));
    return {};
  }
  auto out = AtomicOutput::create(path);
  if (!out) return std::unexpected(out.error());
  out->write(bytes);
  return out->commit();
}

}  // namespace lockscope::traces
