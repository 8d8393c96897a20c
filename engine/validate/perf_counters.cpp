#include "engine/validate/perf_counters.hpp"

#include <fmt/format.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

namespace lockscope::engine::validate {
namespace {

int open_event(std::uint32_t type, std::uint64_t config, bool user_only = true) {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = type;
  attr.config = config;
  attr.disabled = 1;
  attr.inherit = 1;  // the bench's worker threads are created after start()
  // A context switch happens in the kernel: excluding it would count none.
  attr.exclude_kernel = user_only ? 1 : 0;
  attr.exclude_hv = 1;
  attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  return static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
}

// value, time enabled, time running; false when the read fails.
bool read_counter(int fd, std::array<std::uint64_t, 3>& values) {
  return read(fd, values.data(), sizeof values) == static_cast<ssize_t>(sizeof values);
}

std::string paranoid_level() {
  std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
  std::string level;
  in >> level;
  return level.empty() ? "?" : level;
}

}  // namespace

std::expected<PerfCounter, std::string> PerfCounter::open_cache_misses() {
  const std::uint64_t l1d_read_miss = PERF_COUNT_HW_CACHE_L1D | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
                                      (PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
  if (const int fd = open_event(PERF_TYPE_HW_CACHE, l1d_read_miss); fd >= 0) {
    return PerfCounter(fd, "L1D read misses");
  }
  if (const int fd = open_event(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES); fd >= 0) {
    return PerfCounter(fd, "cache misses");
  }
  return std::unexpected(counter_unavailable_reason(errno));
}

std::expected<PerfCounter, std::string> PerfCounter::open_context_switches() {
  if (const int fd = open_event(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, false); fd >= 0) {
    return PerfCounter(fd, "context switches");
  }
  return std::unexpected(counter_unavailable_reason(errno, "sleeps per operation"));
}

PerfCounter::PerfCounter(PerfCounter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), event_(std::move(other.event_)), base_(other.base_) {}

PerfCounter& PerfCounter::operator=(PerfCounter&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    event_ = std::move(other.event_);
    base_ = other.base_;
  }
  return *this;
}

PerfCounter::~PerfCounter() {
  if (fd_ >= 0) close(fd_);
}

void PerfCounter::start() {
  // The reset clears only this thread's count: what inherited threads that
  // ended counted is kept by the kernel (child_count) and read with it, so
  // each run is the difference from a reading taken here.
  ioctl(fd_, PERF_EVENT_IOC_RESET, 0);
  if (!read_counter(fd_, base_)) base_ = {};
  ioctl(fd_, PERF_EVENT_IOC_ENABLE, 0);
}

std::expected<std::uint64_t, std::string> PerfCounter::stop() {
  ioctl(fd_, PERF_EVENT_IOC_DISABLE, 0);
  std::array<std::uint64_t, 3> values{};
  if (!read_counter(fd_, values)) {
    return std::unexpected(fmt::format("reading the {} counter failed: {}", event_, std::strerror(errno)));
  }
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = values[i] >= base_[i] ? values[i] - base_[i] : 0;
  if (values[1] != 0 && values[2] < values[1]) {
    // Multiplexed: the kernel counted part of the time only; scaling would
    // be a guess, so say so instead.
    return std::unexpected(fmt::format("the {} counter ran {:.0f}% of the time (multiplexed)", event_,
                                       100.0 * static_cast<double>(values[2]) / static_cast<double>(values[1])));
  }
  return values[0];
}

std::string counter_unavailable_reason(int err, std::string_view figure) {
  switch (err) {
    case ENOENT:
    case EOPNOTSUPP:
      return fmt::format(
          "{}: n/a: this CPU exposes no such counter to perf_event_open ({}; usual for hardware counters in a VM "
          "whose hypervisor hides the PMU)",
          figure, err == ENOENT ? "ENOENT" : "EOPNOTSUPP");
    case EACCES:
    case EPERM:
      return fmt::format("{}: n/a: perf_event_open refused ({}; kernel.perf_event_paranoid is {})", figure,
                         err == EACCES ? "EACCES" : "EPERM", paranoid_level());
    case ENOSYS:
      return fmt::format("{}: n/a: this kernel has no perf events (perf_event_open: ENOSYS)", figure);
    default:
      return fmt::format("{}: n/a: perf_event_open failed: {}", figure, std::strerror(err));
  }
}

}  // namespace lockscope::engine::validate
