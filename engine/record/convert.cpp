#include "engine/record/convert.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "engine/stats/sample_summary.hpp"

namespace lockscope::engine::record {

const char* const kBlindSpot =
    "seen: every pthread_rwlock_*, pthread_mutex_* and pthread_cond_*wait call the program and its shared "
    "libraries make through the dynamic symbol table (std::shared_mutex, std::mutex, std::condition_variable "
    "included); not seen: locks glibc takes inside itself without going through it (stdio's FILE locks, malloc "
    "arenas, the dynamic loader, gettext, strerror, ...), a mutex re-taken inside pthread_cond_wait (shown as "
    "released at entry and re-taken at return), spinlocks, futexes and atomics used directly, and anything in a "
    "statically linked program";

namespace {

using lockscope::record::RawEvent;
using lockscope::record::RawLock;
using lockscope::record::RawLockKind;
using lockscope::record::RawOp;
using lockscope::record::RawRecording;
using lockscope::record::RawThread;
using traces::Op;
using traces::OpKind;
using traces::WorkerState;

constexpr std::uint64_t kContendedNs = 1000;

std::uint64_t since(std::uint64_t later, std::uint64_t earlier) { return later > earlier ? later - earlier : 0; }

// A thread's lane in the measured timeline: its latest change, merged.
class Lane {
 public:
  explicit Lane(std::size_t expected_spans) { spans_.reserve(expected_spans); }
  void to(WorkerState state, std::uint32_t lock, std::uint64_t at_ns) {
    const std::uint64_t at = at_ns * 1000;
    if (started_ && state == state_ && lock == lock_) return;
    // A hold of another lock taken and released within one clock tick
    // leaves no span; the hold it interrupted goes on in one span, not two
    // (two adjacent holds of one lock read as a release and a re-take).
    if (started_ && at <= since_ && state_ != WorkerState::running && !spans_.empty() &&
        spans_.back().end == since_ && spans_.back().state == state && spans_.back().lock == lock) {
      since_ = spans_.back().start;
      spans_.pop_back();
      state_ = state;
      lock_ = lock;
      return;
    }
    if (started_ && at > since_) spans_.push_back({since_, at, state_, lock_});
    if (!started_ || at > since_) since_ = at;
    started_ = true;
    state_ = state;
    lock_ = lock;
  }
  std::vector<traces::Span> finish(std::uint64_t at_ns) {
    const std::uint64_t at = at_ns * 1000;
    if (started_ && at > since_) spans_.push_back({since_, at, state_, lock_});
    return std::move(spans_);
  }

 private:
  bool started_ = false;
  WorkerState state_ = WorkerState::running;
  std::uint32_t lock_ = traces::kNoLock;
  std::uint64_t since_ = 0;
  std::vector<traces::Span> spans_;
};

struct Held {
  std::uint32_t lock;
  bool write;
  std::uint32_t depth;
  std::uint64_t acquired_ns;
};

struct LockSamples {
  std::vector<std::uint64_t> read_wait, write_wait, hold;
};

std::string lock_name(const RawLock& lock, NameLocksBy by) {
  const std::string address = fmt::format("{:#x}", lock.address);
  const std::string callsite = lock.callsite.empty() ? std::string() : "first-taken-in:" + lock.callsite;
  if (by == NameLocksBy::callsite) return !callsite.empty() ? callsite : !lock.symbol.empty() ? lock.symbol : address;
  return !lock.symbol.empty() ? lock.symbol : address;
}

// Everything a conversion builds, walked one thread at a time.
class Converter {
 public:
  // With `consumed`, each thread's raw events are freed once converted: a
  // recording of 10 M operations holds 640 MB of them.
  Converter(const RawRecording& raw, const ConvertOptions& options, RawRecording* consumed)
      : raw_(raw), options_(options), consumed_(consumed) {}

  Conversion run() {
    declare_locks();
    out_.trace.initial_contexts = static_cast<std::uint32_t>(raw_.threads.size());
    out_.trace.origin = options_.origin;
    for (std::size_t t = 0; t < raw_.threads.size(); ++t) {
      convert_thread(static_cast<std::uint32_t>(t));
      if (consumed_ != nullptr) std::vector<RawEvent>().swap(consumed_->threads[t].events);
    }
    finish_timeline();
    finish_summary();
    return std::move(out_);
  }

 private:
  void declare_locks() {
    for (const RawLock& lock : raw_.locks) add_lock(lock);
    samples_.resize(out_.trace.locks.size());
  }

  std::uint32_t add_lock(const RawLock& lock) {
    const auto id = static_cast<std::uint32_t>(out_.trace.locks.size());
    std::string name = lock_name(lock, options_.name_by);
    // Names are for people, but must tell locks apart in every table.
    if (const int n = ++names_given_[name]; n > 1) name += fmt::format("#{}", n);
    const auto kind = lock.kind == RawLockKind::mutex ? traces::LockKind::mutex : traces::LockKind::rwlock;
    out_.trace.locks.push_back({kind, name});
    RecordedLock summary;
    summary.name = name;
    summary.kind = kind;
    summary.address = lock.address;
    out_.summary.locks.push_back(std::move(summary));
    by_address_.emplace(lock.address, id);
    return id;
  }

  // An event naming an address the lock table lacks (it should not happen):
  // a lock of the event's kind named by its address.
  std::uint32_t id_of(const RawEvent& e) {
    if (auto it = by_address_.find(e.lock); it != by_address_.end()) return it->second;
    RawLock lock;
    lock.address = e.lock;
    const bool mutex = e.op == RawOp::mutex_lock || e.op == RawOp::mutex_unlock || e.op == RawOp::cond_release ||
                       e.op == RawOp::cond_reacquire;
    lock.kind = mutex ? RawLockKind::mutex : RawLockKind::rwlock;
    const std::uint32_t id = add_lock(lock);
    samples_.resize(out_.trace.locks.size());
    return id;
  }

  void convert_thread(std::uint32_t t) {
    const RawThread& thread = raw_.threads[t];
    traces::WorkerPlan plan;
    plan.initial_context = t;
    plan.start_ns = thread.start_ns;
    // Each event gives at most two ops (a gap, then the acquisition or the
    // release) and two spans: reserved once, no doubling slack.
    plan.ops.reserve(2 * thread.events.size() + 2);
    std::vector<Held> held;
    Lane lane(2 * thread.events.size() + 2);
    std::uint64_t cursor = thread.start_ns;
    lane.to(WorkerState::running, traces::kNoLock, cursor);

    auto busy_until = [&](std::uint64_t at) {
      const std::uint64_t gap = since(at, cursor);
      if (gap != 0) plan.ops.push_back({held.empty() ? OpKind::think : OpKind::hold, gap});
      cursor = std::max(cursor, at);
    };
    auto find = [&](std::uint32_t lock) {
      return std::find_if(held.begin(), held.end(), [lock](const Held& h) { return h.lock == lock; });
    };
    auto show_latest = [&](std::uint64_t at) {
      if (held.empty()) {
        lane.to(WorkerState::running, traces::kNoLock, at);
      } else {
        lane.to(held.back().write ? WorkerState::writing : WorkerState::reading, held.back().lock, at);
      }
    };
    auto release = [&](std::vector<Held>::iterator h, std::uint64_t at) {
      busy_until(at);
      const Held done = *h;
      held.erase(h);
      plan.ops.push_back({done.write ? OpKind::write_release : OpKind::read_release, 0, done.lock});
      samples_[done.lock].hold.push_back(since(at, done.acquired_ns));
      if (!done.write) reader_deltas_.push_back({at, -1});
      show_latest(at);
    };

    for (const RawEvent& e : thread.events) {
      const std::uint32_t lock = id_of(e);
      RecordedLock& stats = out_.summary.locks[lock];
      switch (e.op) {
        case RawOp::rdlock:
        case RawOp::wrlock:
        case RawOp::mutex_lock:
        case RawOp::cond_reacquire: {
          const bool write = e.op != RawOp::rdlock;
          const bool observed = e.op != RawOp::cond_reacquire;
          if (e.op == RawOp::cond_reacquire) ++out_.summary.cond_waits;
          auto h = find(lock);
          if (e.ok && h != held.end()) {  // a recursive read (or a second take glibc allowed)
            ++h->depth;
            ++out_.summary.recursive_folded;
            break;
          }
          if (h != held.end()) {  // a failed try of a lock the thread holds: says nothing about others
            ++stats.failed;
            break;
          }
          busy_until(e.begin_ns);
          const std::uint64_t waited = since(e.end_ns, e.begin_ns);
          if (waited != 0) lane.to(write ? WorkerState::waiting_write : WorkerState::waiting_read, lock, e.begin_ns);
          if (write && waited != 0) writer_deltas_.push_back({e.begin_ns, +1});
          if (write && waited != 0) writer_deltas_.push_back({e.end_ns, -1});
          cursor = std::max(cursor, e.end_ns);
          if (!e.ok) {
            plan.ops.push_back({write ? OpKind::write_acquire_failed : OpKind::read_acquire_failed,
                                e.attempt == lockscope::record::RawAttempt::try_ ? 0 : waited, lock});
            ++stats.failed;
            show_latest(e.end_ns);
            break;
          }
          plan.ops.push_back({write ? OpKind::write_acquire : OpKind::read_acquire, observed ? waited : 0, lock,
                              observed ? traces::kOpObserved : std::uint8_t{0}});
          held.push_back({lock, write, 1, e.end_ns});
          ++out_.summary.acquisitions;
          if (write) {
            ++stats.writes;
            if (observed) samples_[lock].write_wait.push_back(waited);
          } else {
            ++stats.reads;
            samples_[lock].read_wait.push_back(waited);
            reader_deltas_.push_back({e.end_ns, +1});
          }
          if (observed && waited >= kContendedNs) ++stats.contended;
          show_latest(e.end_ns);
          break;
        }
        case RawOp::rw_unlock:
        case RawOp::mutex_unlock:
        case RawOp::cond_release: {
          auto h = find(lock);
          if (h == held.end()) {
            ++out_.summary.unmatched_releases;
            break;
          }
          if (h->depth > 1) {
            --h->depth;
            break;
          }
          release(h, e.begin_ns);
          break;
        }
      }
    }
    // What the thread still holds when it (or the process) ended.
    const std::uint64_t end = std::max(thread.end_ns, cursor);
    while (!held.empty()) {
      ++out_.summary.released_at_end;
      release(held.end() - 1, end);
    }
    busy_until(end);
    traces::TimelineWorker worker;
    worker.name = thread.name.empty() ? fmt::format("thread {}", thread.tid)
                                      : fmt::format("thread {} ({})", thread.tid, thread.name);
    worker.core = t % std::max<std::uint32_t>(options_.cpus, 1);
    worker.spans = lane.finish(end);
    out_.timeline.workers.push_back(std::move(worker));
    out_.trace.workers.push_back(std::move(plan));
  }

  static traces::TimelineCounter counter(std::string name, std::vector<std::pair<std::uint64_t, int>> deltas) {
    std::stable_sort(deltas.begin(), deltas.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    traces::TimelineCounter c;
    c.name = std::move(name);
    std::int64_t value = 0;
    for (const auto& [at, delta] : deltas) {
      value += delta;
      traces::set_counter_at(c.samples, at * 1000, value);
    }
    return c;
  }

  void finish_timeline() {
    traces::Timeline& tl = out_.timeline;
    tl.source = traces::TimelineSource::measured;
    tl.lock = "recorded";
    tl.machine = options_.machine;
    tl.cores = options_.cpus;
    tl.origin = options_.origin;
    tl.end_time = raw_.end_ns * 1000;
    for (const traces::LockDecl& l : out_.trace.locks) {
      tl.locks.push_back({fmt::format("{} ({})", l.name, traces::to_string(l.kind))});
    }
    for (const traces::TimelineWorker& w : tl.workers) {
      if (!w.spans.empty()) tl.end_time = std::max(tl.end_time, w.spans.back().end);
    }
    tl.counters.push_back(counter("readers_inside", std::move(reader_deltas_)));
    tl.counters.push_back(counter("writers_waiting", std::move(writer_deltas_)));
  }

  void finish_summary() {
    RecordSummary& s = out_.summary;
    s.program = raw_.program;
    s.args = raw_.args;
    s.end_reason = raw_.end_reason;
    s.duration_ns = raw_.end_ns;
    s.threads = static_cast<std::uint32_t>(raw_.threads.size());
    s.recursive_folded += raw_.recursive_skipped;
    for (std::size_t i = 0; i < s.locks.size(); ++i) {
      s.locks[i].read_wait_ns = stats::summarize_samples(std::move(samples_[i].read_wait));
      s.locks[i].write_wait_ns = stats::summarize_samples(std::move(samples_[i].write_wait));
      s.locks[i].hold_ns = stats::summarize_samples(std::move(samples_[i].hold));
    }
  }

  const RawRecording& raw_;
  const ConvertOptions& options_;
  RawRecording* consumed_;
  Conversion out_;
  std::unordered_map<std::uint64_t, std::uint32_t> by_address_;
  std::unordered_map<std::string, int> names_given_;  // how many locks each name was given to
  std::vector<LockSamples> samples_;
  std::vector<std::pair<std::uint64_t, int>> reader_deltas_;
  std::vector<std::pair<std::uint64_t, int>> writer_deltas_;
};

}  // namespace

Conversion convert_recording(const RawRecording& raw, const ConvertOptions& options) {
  return Converter(raw, options, nullptr).run();
}

Conversion convert_recording(RawRecording&& raw, const ConvertOptions& options) {
  return Converter(raw, options, &raw).run();
}

}  // namespace lockscope::engine::record
