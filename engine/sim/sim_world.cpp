#include "engine/sim/sim_world.hpp"

#include <simgrid/s4u/Engine.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

#include "engine/sim/arbitration.hpp"
#include "engine/sim/core_scheduler.hpp"
#include "fmt/format.h"

namespace lockscope::engine::sim {
namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "lockscope: simulator: %s\n", what);
  std::abort();
}

std::string full_name(const lockimpl::LineName& name) {
  std::string out = name.base;
  if (name.index >= 0) out += fmt::format("[{}]", name.index);
  return out + name.field;
}

Picos simgrid_clock() { return static_cast<Picos>(std::llround(simgrid::s4u::Engine::get_clock() * 1e12)); }

}  // namespace

// SimGrid moves its clock only in its solve step, which then fires
// on_time_advance: SimWorld::clock() is converted there. And an actor that
// ends may leave its stack to the next one created, so the worker
// SimWorld::self() keeps for a stack is forgotten then.
void follow_simgrid() {
  static const bool connected = [] {
    // Never back: after a hand-over (wake_queue.hpp) lockscope's clock is
    // ahead of SimGrid's, which may then fire a timer left before it.
    simgrid::s4u::Engine::on_time_advance_cb(
        [](double /*delta*/) { SimWorld::clock_ = std::max(SimWorld::clock_, simgrid_clock()); });
    simgrid::s4u::Actor::on_termination_cb([](const simgrid::s4u::Actor& /*ended*/) {
      if (SimWorld::world_ != nullptr) SimWorld::world_->forget_self();
    });
    return true;
  }();
  (void)connected;
}

SimWorld::SimWorld(coherence::CostModel costs, SimCosts sim_costs)
    : directory_(std::move(costs)),
      sim_costs_(sim_costs),
      scheduler_(std::make_unique<CoreScheduler>(directory_.costs().cores, sim_costs_)),
      tie_state_(sim_costs.seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) {
  if (world_ != nullptr) fail("a second SimWorld in one process");
  world_ = this;
  follow_simgrid();
  clock_ = simgrid_clock();
  wakes_.set_hand_over(sim_costs_.hand_over);
}

SimWorld::~SimWorld() {
  // A run that ended deadlocked leaves its drains blocked on their
  // buffers' semaphores (run_simulation leaves blocked actors as they are),
  // and SimGrid aborts when a semaphore someone waits on is destroyed: such
  // buffers and drains are left to the process, which runs one simulation.
  const bool blocked = std::any_of(buffers_.begin(), buffers_.end(), [](const auto& b) { return !b->stopped; });
  if (blocked) {
    for (auto& b : buffers_) (void)b.release();
    for (auto& d : drainers_) (void)d.release();
  }
  world_ = nullptr;
}

void SimWorld::no_world() { fail("no SimWorld: create one before simulated locks"); }

void SimWorld::attach(SimWorker& worker) {
  const auto pid = static_cast<std::size_t>(simgrid::s4u::this_actor::get_pid());
  if (by_pid_.size() <= pid) by_pid_.resize(pid + 1, nullptr);
  by_pid_[pid] = &worker;
  // Attached again on the same actor (the replay's worker body attaches
  // inside the spawned actor's), the higher frame counts: both are its.
  const auto frame = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  if (worker.actor_pid != pid || worker.stack_top < frame) worker.stack_top = frame;
  worker.actor_pid = pid;
  worker.actor = simgrid::s4u::Actor::self();
  forget_self();
}

SimWorker& SimWorld::look_up_self() {
  const auto pid = static_cast<std::size_t>(simgrid::s4u::this_actor::get_pid());
  if (pid >= by_pid_.size() || by_pid_[pid] == nullptr) fail("an actor that is not a worker used a lock");
  SimWorker& w = *by_pid_[pid];
  if (w.actor_pid == pid) {
    self_ = &w;
    self_top_ = w.stack_top;
  }
  return w;
}

void SimWorld::check_self(const SimWorker& kept) {
  const auto pid = static_cast<std::size_t>(simgrid::s4u::this_actor::get_pid());
  if (pid >= by_pid_.size() || by_pid_[pid] != &kept) fail("the worker kept for this stack is another actor's");
}

coherence::LineId SimWorld::line_for(const void* address, const lockimpl::LineName& name) {
  return directory_.line_at(reinterpret_cast<std::uintptr_t>(address), prefixed(address, full_name(name)));
}

// A variable that joins a line its own lock already named keeps the lock's
// prefix once: "cache: glibc-rwlock.readers + glibc-rwlock.writers".
std::string SimWorld::prefixed(const void* address, std::string name) const {
  if (line_prefix_.empty()) return name;
  if (const auto line = directory_.find_line(reinterpret_cast<std::uintptr_t>(address))) {
    if (directory_.stats(*line).name.starts_with(line_prefix_)) return name;
  }
  return line_prefix_ + name;
}

coherence::LineId SimWorld::line_for(const void* address, const char* what) {
  return directory_.line_at(reinterpret_cast<std::uintptr_t>(address),
                            prefixed(address, fmt::format("{}#{}", what, anonymous_lines_++)));
}

void SimWorld::charge(Picos cost) {
  if (!running_) return;
  SimWorker& w = self();
  w.shadow = 0;  // a clock read, a pause, a wait: not work a miss hides (SimWorld::work)
  if (turns_away(cost)) let_go(w);
  charge(w, cost);
}

void SimWorld::sync() {
  if (!running_) return;
  SimWorker& w = self();
  w.shadow = 0;  // a context operation: the kernel, serializing
  sync(w);
}

void SimWorld::charge(SimWorker& w, Picos cost) {
  if (w.drain_due != SimWorker::kNoDrainDue) [[unlikely]] {
    const Picos now = clock() + w.ahead;
    if (now + cost >= w.drain_due) {
      // A worker that runs on (a hold, a think) past its oldest store's
      // retire time must not keep that store hidden until it next sleeps:
      // up to a quantum longer than the model says. At the retire time the
      // store drains here (its line is here and settled) or the drain,
      // woken at SimGrid's clock (not later than that), performs it.
      const Picos until = w.drain_due > now ? w.drain_due - now : 0;
      w.ahead += until;
      cost -= until;
      if (StoreBuffer* b = core_buffer(w); b != nullptr && b->wake_pending) {
        before_sleep(w, *b);
      } else {
        w.drain_due = SimWorker::kNoDrainDue;
      }
    }
  }
  w.ahead += cost;
  if (w.ahead > sim_costs_.quantum) sync(w);
}

void SimWorld::before_sleep(SimWorker& w, StoreBuffer& b) {
  b.wake_pending = false;
  w.drain_due = SimWorker::kNoDrainDue;
  drain_here(w, b);
  if (!b.entries.empty() && b.idle) b.work->release();
}

void SimWorld::catch_up(SimWorker& w) {
  if (StoreBuffer* b = core_buffer(w); b != nullptr && b->wake_pending) before_sleep(w, *b);
  if (w.ahead == 0) return;
  const Picos target = clock() + w.ahead;
  w.ahead = 0;
  sleep_until(w, target);
}

void SimWorld::sleep_until(SimWorker& w, Picos at) { wakes_.sleep_until(w.actor, at); }

void SimWorld::sync(SimWorker& w) {
  catch_up(w);
  if (!w.scheduled || !scheduler_->preemption_due(w, clock())) return;
  // The switch to another thread runs the kernel's locked instructions: the
  // core's buffer drains before the next thread runs there.
  if (StoreBuffer* b = core_buffer(w)) wait_for_buffer(w, *b, 0);
  scheduler_->preempt_if_due(w, clock());
}

void SimWorld::join_core() {
  if (!running_) return;
  SimWorker& w = self();
  sync(w);
  w.scheduled = true;
  scheduler_->acquire(w, clock());
}

void SimWorld::leave_core() {
  if (!running_) return;
  SimWorker& w = self();
  if (!w.scheduled) return;
  sync(w);
  scheduler_->release(w);
  w.scheduled = false;
}

void SimWorld::off_core() {
  if (!running_) return;
  SimWorker& w = self();
  let_go(w);
  w.asleep_since = clock() + w.ahead;
  if (!w.scheduled) return;
  catch_up(w);
  scheduler_->release(w);
}

void SimWorld::on_core() {
  if (!running_) return;
  SimWorker& w = self();
  if (w.scheduled && !w.has_core) scheduler_->acquire(w, clock());
}

void SimWorld::switch_point() {
  if (!running_) return;
  SimWorker& w = self();
  if (!w.scheduled || !scheduler_->sibling_waits(w)) return;
  sync(w);
  scheduler_->yield_to_sibling(w);
}

void SimWorld::move_to(lockimpl::ContextId context, unsigned core) {
  SimWorker& w = self();
  // Moving to another core is a trip through the kernel: serializing.
  w.shadow = 0;
  if (running_) let_go(w);
  if (StoreBuffer* b = running_ ? core_buffer(w) : nullptr) {
    wait_for_buffer(w, *b, 0);
    if (w.buffer != nullptr) detach_buffer(w);
  }
  const bool scheduled = running_ && w.scheduled;
  if (scheduled) {
    sync(w);
    scheduler_->release(w);
  }
  w.context = context;
  w.core = core;
  if (scheduled) scheduler_->acquire(w, clock());
}

void SimWorld::woken_by(unsigned waker_core) {
  if (!running_) return;
  ++sleeps_;
  SimWorker& w = self();
  if (waker_core == w.core) return;
  const Picos now = clock();
  const Picos wake = wake_after(now > w.asleep_since ? now - w.asleep_since : 0);
  if (wake > 0) sleep_until(w, now + wake);
}

// The sleeper's own sleep stands for its core's idle time: the same when
// each worker has a core to itself, as on the machines calibrate measures.
Picos SimWorld::wake_after(Picos slept) const {
  const std::vector<Picos>& idle = sim_costs_.wake_idle;
  const std::vector<Picos>& wake = sim_costs_.wake_after_idle;
  if (idle.empty()) return sim_costs_.wake;
  if (slept <= idle.front()) return wake.front();
  if (slept >= idle.back()) return wake.back();
  const std::size_t i = static_cast<std::size_t>(std::upper_bound(idle.begin(), idle.end(), slept) - idle.begin());
  // idle[i - 1] < slept < idle[i]: linear between the two points.
  const double t = static_cast<double>(slept - idle[i - 1]) / static_cast<double>(idle[i] - idle[i - 1]);
  const double w0 = static_cast<double>(wake[i - 1]);
  const double w1 = static_cast<double>(wake[i]);
  return static_cast<Picos>(std::llround(w0 + t * (w1 - w0)));
}

Picos SimWorld::heavy_barrier_cost() {
  if (!running_ || !scheduler_->in_use() || scheduler_->another_core_runs(self().core)) {
    return sim_costs_.heavy_barrier;
  }
  return sim_costs_.heavy_barrier_alone != 0 ? sim_costs_.heavy_barrier_alone : sim_costs_.syscall;
}

void SimWorld::syscall_leg() {
  if (!running_ || sim_costs_.syscall < 2) return;
  SimWorker& w = self();
  let_go(w);
  sync(w);
  sleep_until(w, clock() + sim_costs_.syscall / 2);
}

Picos SimWorld::wait_for_line(SimWorker& w, coherence::LineId line, coherence::Access access, Picos issue) {
  if (waiting_.size() <= line) waiting_.resize(std::size_t{line} + 1);
  // splitmix64: a fresh, seeded tie-breaker per request.
  tie_state_ += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = tie_state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  waiting_[line].push_back(LineRequest{&w, issue, access, z ^ (z >> 31), 0, w.core});
  w.granted = false;
  // serve_next resumes us when our access completes.
  while (!w.granted) wakes_.park(w.actor);
  return w.granted_done;
}

void SimWorld::serve_next(coherence::LineId line, Picos now) {
  if (line >= waiting_.size() || waiting_[line].empty()) return;
  std::vector<LineRequest>& queue = waiting_[line];
  // A request out of patience is served first (the oldest of them);
  // otherwise the rule's smallest key wins.
  std::size_t best = queue.size();
  for (std::size_t i = 0; i < queue.size(); ++i) {
    if (queue[i].overtaken >= sim_costs_.patience && (best == queue.size() || queue[i].issue < queue[best].issue)) {
      best = i;
    }
  }
  if (best == queue.size()) {
    // The rule's smallest key, then the smallest tie. A line in M or E has
    // one holder for every request: its column of the cost matrix is read
    // directly, the common case of a contended line (an RMW's).
    const coherence::CostModel& costs = directory_.costs();
    const Arbitration rule = sim_costs_.arbitration;
    Picos best_key = std::numeric_limits<Picos>::max();
    std::uint64_t best_tie = std::numeric_limits<std::uint64_t>::max();
    const auto consider = [&](std::size_t i, Picos distance) {
      const Picos key = arbitration_key(rule, queue[i].issue, now, distance);
      if (key < best_key || (key == best_key && queue[i].tie < best_tie)) {
        best = i;
        best_key = key;
        best_tie = queue[i].tie;
      }
    };
    const int owner = directory_.owner(line);
    if (owner != coherence::kMemory) {
      const Picos* column = costs.transfer.data() + owner;
      const std::size_t stride = costs.cores;
      for (std::size_t i = 0; i < queue.size(); ++i) consider(i, column[queue[i].core * stride]);
    } else {
      for (std::size_t i = 0; i < queue.size(); ++i) {
        const int holder = directory_.holder(line, queue[i].core);
        consider(i, holder < 0 ? costs.memory : costs.between(queue[i].core, static_cast<unsigned>(holder)));
      }
    }
  }
  // Branch-free: whether a request was issued before the winner is a coin
  // toss for the branch predictor (a sixth of serve_next's samples went to
  // that branch at 64 cores).
  const Picos won = queue[best].issue;
  for (LineRequest& r : queue) r.overtaken += r.issue < won ? 1U : 0U;
  const LineRequest next = queue[best];
  queue[best] = queue.back();
  queue.pop_back();
  SimWorker& n = *next.worker;
  const Picos asked = std::max(now, next.issue);
  n.granted_done = directory_.access(n.core, line, next.access, asked);
  n.granted = true;
  if (holds_while_used()) held_.granted(line, n, asked, directory_);
  // Woken when the access completes, not now: it would only sleep until then.
  wakes_.resume_at(n.actor, n.granted_done);
}

void SimWorld::landed(coherence::LineId line, SimWorker& w) {
  if (!holds_while_used()) return;
  held_.landed(line, w.drains ? nullptr : &w);
}

void SimWorld::access(coherence::LineId line, coherence::Access access, lockimpl::MemoryOrder order,
                      LoadSample* sample) {
  if (!running_) return;
  SimWorker& w = self();
  if (sim_costs_.ooo_window == 0) {
    perform(w, line, access, order, sample);
    return;
  }
  // Accesses one after another are in order (x86: nothing passes a locked
  // instruction or a fence). A miss casts a shadow, and the accesses right
  // after it add their time, up to the window: a hold after two
  // outstanding misses overlaps both. Hits alone cast none.
  const Picos before = clock() + w.ahead;
  const Picos carried = before == w.shadow_at ? w.shadow : 0;
  const Miss miss = perform(w, line, access, order, sample);
  const Picos after = clock() + w.ahead;
  if (carried == 0 && miss.done == 0) return;
  // Time around the access that is more than its own fence and hit (a
  // store buffer drained, a switch to another thread) is not the access:
  // the shadow before it does not reach past that.
  const Picos own = directory_.costs().l1_hit + sim_costs_.fence;
  Picos shadow = 0;
  if (miss.done == 0) {
    shadow = after - before <= own ? carried + (after - before) : 0;
  } else if (miss.done == after) {
    const Picos lead = miss.start - before;
    shadow = (lead <= own ? carried + lead : 0) + (miss.done - miss.start);
  }
  w.shadow = std::min(sim_costs_.ooo_window, shadow);
  w.shadow_at = after;
}

void SimWorld::work(Picos cost) {
  if (!running_) return;
  SimWorker& w = self();
  if (turns_away(cost)) let_go(w);
  if (w.shadow != 0 && clock() + w.ahead == w.shadow_at) {
    cost -= std::min(cost, w.shadow);
  }
  // The work's dispatch moved past the accesses: what it did not cover is
  // not there for the next work.
  w.shadow = 0;
  charge(w, cost);
}

SimWorld::Miss SimWorld::perform(SimWorker& w, coherence::LineId line, coherence::Access access, lockimpl::MemoryOrder order,
                       LoadSample* sample) {
  // A seq_cst store and every RMW drain the store buffer (x86 semantics:
  // xchg and lock-prefixed instructions are full barriers).
  const bool fences = !w.drains && (access == coherence::Access::rmw ||
                                    (access == coherence::Access::store && order == lockimpl::MemoryOrder::seq_cst));
  if (fences) {
    if (StoreBuffer* b = core_buffer(w)) wait_for_buffer(w, *b, 0);
    w.ahead += sim_costs_.fence;
  }
  // A core whose line was asked for keeps using it until it leaves
  // (Directory::keeps): those accesses are hits too.
  auto has = [&](Picos at) { return directory_.hits(w.core, line, access) || directory_.keeps(w.core, line, at); };
  if (has(clock() + w.ahead)) {
    // A hit on a line that moved within the last quantum may not be a hit
    // at this worker's time: another core, behind in simulated time, may
    // want it first. Catch up, then look again. Lines that stay put (a
    // context's own counter, a flag nobody writes) keep the lazy fast path.
    if (directory_.last_moved(line) + sim_costs_.quantum < clock() + w.ahead || (sync(w), has(clock()))) {
      charge(w, directory_.costs().l1_hit);
      return {};
    }
  }
  // A miss can interact with other cores, so it is ordered in simulated
  // time. Catching up first costs a second simcall; within the lookahead the
  // miss is issued at the worker's own time directly (one simcall), which
  // may let it reach the line up to `lookahead` before a worker that is
  // behind in time but runs later: the error stays under that bound.
  if (w.ahead > sim_costs_.lookahead) sync(w);
  let_go(w);  // the lines it keeps leave while it waits for this one
  if (StoreBuffer* b = core_buffer(w); b != nullptr && b->wake_pending) before_sleep(w, *b);  // a miss sleeps
  const Picos start = clock() + w.ahead;
  w.ahead = 0;
  // An idle line is served at once. One that is in flight, or that others
  // already wait for, goes to the waiting requests in the order the
  // arbitration rule gives, each time it lands (serve_next).
  const bool idle = directory_.last_moved(line) <= start && (line >= waiting_.size() || waiting_[line].empty());
  // A request that finds the line settled, nobody waiting, is not held:
  // the hold is the first use of a line that others queued for in flight.
  const Picos done = idle ? directory_.access(w.core, line, access, start, !sim_costs_.hold_while_used)
                          : wait_for_line(w, line, access, start);
  sleep_until(w, done);
  landed(line, w);
  // A tso load reads what the line holds when it arrives, before it can be
  // passed on: every access served before this one has written by then (an
  // RMW or a drained store writes when its own transfer ends, which may be
  // after it granted this request), and nothing writes a line in flight.
  // Sampled when the request was granted, an xchg that had the line first
  // could still be unwritten, and SB+rmw's r1=r2=1 never showed.
  if (sample != nullptr && tso()) {
    sample->value = sample->read(sample->object);
    sample->taken = true;
  }
  serve_next(line, done);
  if (w.scheduled) scheduler_->preempt_if_due(w, done);
  return {start, done};
}

void SimWorld::set_running(bool running) {
  running_ = running;
  if (running) return;
  for (const auto& b : buffers_) {
    for (const BufferedStore& e : b->entries) {
      if (e.apply != nullptr) e.apply(e.object, e.bits);
    }
    b->entries.clear();
  }
}

bool SimWorld::buffer_store_tso(coherence::LineId line, lockimpl::MemoryOrder order, void* object,
                                std::uint64_t bits, ApplyStore apply) {
  SimWorker& w = self();
  // A seq_cst store is an xchg on x86: it drains the buffer and goes to the
  // line itself. Every other store waits in the buffer until it retires,
  // even one whose line is here: loads after it run meanwhile.
  if (w.drains || order == lockimpl::MemoryOrder::seq_cst) {
    access(line, coherence::Access::store, order);
    return false;
  }
  StoreBuffer& b = buffer_of(w);
  const std::size_t depth = std::max<std::uint32_t>(sim_costs_.store_buffer_depth, 1);
  wait_for_buffer(w, b, depth - 1);
  const Picos now = clock() + w.ahead;
  BufferedStore& e =
      b.entries.emplace_back(BufferedStore{object, bits, apply, line, now + retire_delay(w, w.stores_buffered++)});
  if (store_log_ != nullptr) {
    e.log = store_log_->size();
    store_log_->push_back(StoreLogEntry{now, StoreLogEntry::kNeverVisible, w.core, line, bits});
  }
  if (b.idle) {
    if (!b.wake_pending) w.drain_due = SimWorker::kNoDrainDue;  // left by an earlier, woken store
    b.wake_pending = true;
    w.drain_due = std::min(w.drain_due, e.issue);
  }
  charge(w, directory_.costs().l1_hit);
  return true;
}

// A store leaves the buffer only once it has retired, after every older
// instruction of its core; loads after it execute meanwhile, which is the
// store-buffering window. The model does not simulate those instructions,
// so it draws the delay, from the seed, the worker and the store's number
// (a replay is deterministic and each explore seed sees others), in two
// parts:
//   - usually the older instructions are hits and simple operations that
//     retire a few per cycle: exponential, mean memory latency / 32 (2.5 ns
//     on laptop-8), cut at the memory latency;
//   - one store in four waits behind an older access that misses: uniform
//     in [0, memory latency), or [0, retire_delay_max) when the machine
//     sets it (a stress setting: slow misses of a loaded machine).
// Uniform alone (before issue 11's calibration) kept every store hidden
// for 40 ns on average, two transfers: overlap outcomes 17 to 114 times
// more frequent than on hardware, and SB's r1=r2=1, which needs both
// stores to retire before either load reads, never seen.
Picos SimWorld::retire_delay(const SimWorker& w, std::uint64_t n) const {
  const Picos span = directory_.costs().memory;
  if (span == 0) return 0;
  std::uint64_t z = sim_costs_.seed * 0x9E3779B97F4A7C15ULL + (std::uint64_t{w.id} << 32) + n;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;  // splitmix64's finalizer
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  constexpr std::uint64_t kBehindAMissOneIn = 4;
  constexpr double kShortMeanPerMemory = 1.0 / 32;
  if (z % kBehindAMissOneIn == 0) {
    const Picos longest = sim_costs_.retire_delay_max != 0 ? sim_costs_.retire_delay_max : span;
    return static_cast<Picos>((z / kBehindAMissOneIn) % longest);
  }
  // The top 53 bits as a uniform in (0, 1), for the exponential's inverse.
  const double u = (static_cast<double>(z >> 11) + 0.5) * 0x1.0p-53;
  const double d = -std::log(u) * kShortMeanPerMemory * static_cast<double>(span);
  return std::min(span - 1, static_cast<Picos>(d));
}

std::optional<std::uint64_t> SimWorld::forwarded_tso(const void* object) {
  SimWorker& w = self();
  const StoreBuffer* b = core_buffer(w);
  if (b == nullptr || b->entries.empty()) return std::nullopt;
  const std::optional<std::uint64_t> bits = b->newest(object);
  if (bits) charge(w, directory_.costs().l1_hit);
  return bits;
}

void SimWorld::fence() {
  if (!running_) return;
  SimWorker& w = self();
  if (StoreBuffer* b = core_buffer(w)) wait_for_buffer(w, *b, 0);
  charge(w, sim_costs_.fence);
}

void SimWorld::drain_own_buffer() {
  if (!running_ || !tso()) return;
  SimWorker& w = self();
  if (StoreBuffer* b = core_buffer(w)) wait_for_buffer(w, *b, 0);
}

void SimWorld::heavy_barrier() {
  if (!running_) return;
  SimWorker& w = self();
  let_go(w);
  charge(w, heavy_barrier_cost());
  sync(w);
  // By index: a buffer created while this waits moves the vector.
  for (std::size_t i = 0; i < buffers_.size(); ++i) wait_for_buffer(w, *buffers_[i], 0);
}

void SimWorld::finish_worker() {
  if (!running_) return;
  SimWorker& w = self();
  let_go(w);
  if (w.buffer == nullptr) return;
  wait_for_buffer(w, *w.buffer, 0);
  detach_buffer(w);
}

StoreBuffer* SimWorld::core_buffer(const SimWorker& w) const {
  if (w.buffer != nullptr || w.drains) return w.buffer;
  return w.core < core_buffers_.size() ? core_buffers_[w.core] : nullptr;
}

void SimWorld::detach_buffer(SimWorker& w) {
  StoreBuffer& b = *w.buffer;
  w.buffer = nullptr;
  if (--b.users > 0) return;
  // The last user is gone (its stores drained first): the drain ends, and
  // the next worker to store on this core starts a new buffer.
  core_buffers_[b.core] = nullptr;
  b.stopping = true;
  b.work->release();
}

StoreBuffer& SimWorld::buffer_of(SimWorker& w) {
  if (w.buffer != nullptr) return *w.buffer;
  if (core_buffers_.size() <= w.core) core_buffers_.resize(w.core + 1, nullptr);
  if (StoreBuffer* shared = core_buffers_[w.core]) {
    ++shared->users;
    w.buffer = shared;
    return *shared;
  }
  auto buffer = std::make_unique<StoreBuffer>();
  buffer->core = w.core;
  buffer->users = 1;
  buffer->work = simgrid::s4u::Semaphore::create(0);
  auto drainer = std::make_unique<SimWorker>();
  drainer->id = w.id;
  drainer->core = w.core;
  drainer->context = w.context;
  drainer->drains = true;
  StoreBuffer* b = buffer.get();
  SimWorker* d = drainer.get();
  buffers_.push_back(std::move(buffer));
  drainers_.push_back(std::move(drainer));
  w.buffer = b;
  core_buffers_[w.core] = b;
  simgrid::s4u::Actor::create("drain" + std::to_string(w.id), simgrid::s4u::this_actor::get_host(),
                              [this, b, d] { drain(*b, *d); });
  return *b;
}

// Lazily (ahead of SimGrid's clock) only if the line has stayed put for a
// quantum, as access() decides a hit.
bool SimWorld::drains_here(const SimWorker& w, const BufferedStore& e) const {
  const Picos at = clock() + w.ahead;
  const Picos settled = w.ahead > 0 ? directory_.last_moved(e.line) + sim_costs_.quantum : directory_.last_moved(e.line);
  return directory_.hits(w.core, e.line, coherence::Access::store) && settled <= at && e.issue <= at &&
         (e.line >= waiting_.size() || waiting_[e.line].empty());
}

void SimWorld::drain_here(SimWorker& w, StoreBuffer& b) {
  while (!b.busy && !b.entries.empty() && drains_here(w, b.entries.front())) {
    const BufferedStore& e = b.entries.front();
    const Picos at = clock() + w.ahead;
    const Picos done = directory_.access(w.core, e.line, coherence::Access::store, at);
    performed(e, done);
    b.entries.pop_front();
    charge(w, done - at);
  }
  if (b.entries.empty()) {
    b.wake_pending = false;
    if (!b.waiters.empty()) wake_buffer_waiters(b);
  }
}

void SimWorld::wake_buffer_waiters(StoreBuffer& b) {
  std::vector<simgrid::s4u::SemaphorePtr> waiters;
  waiters.swap(b.waiters);
  for (const auto& s : waiters) s->release();
}

void SimWorld::wait_for_buffer(SimWorker& w, StoreBuffer& b, std::size_t keep) {
  if (b.entries.size() <= keep) return;
  const bool own = &b == core_buffer(w) && keep == 0;
  // A core waiting for its own stores has retired everything before them:
  // what is left of their retire delays is over. Stores whose lines are
  // here, and nobody waits for, drain in this actor at once: the same
  // accesses the drain would make, without two actor switches per store
  // (the common case: a store, then a fence), and without catching up
  // while the lines stay put.
  if (own) {
    for (BufferedStore& e : b.entries) e.issue = std::min(e.issue, clock() + w.ahead);
    drain_here(w, b);
    if (b.entries.empty()) return;
  }
  catch_up(w);
  if (own) {
    drain_here(w, b);
    if (b.entries.empty()) return;
    b.work->release();  // the drain may sleep until a retire time cut short above
  }
  if (!w.drained) w.drained = simgrid::s4u::Semaphore::create(0);
  while (b.entries.size() > keep && !b.stopped) {
    b.waiters.push_back(w.drained);
    w.drained->acquire();
  }
}

// The drain: one store at a time, oldest first, each from its issue time
// on, paying its line's transfer as any store would (arbitration included);
// the value is written when the line is here, and only then can another
// core read it.
void SimWorld::drain(StoreBuffer& b, SimWorker& d) {
  attach(d);
  for (;;) {
    while (b.entries.empty() && !b.stopping) {
      b.idle = true;
      b.work->acquire();
      b.idle = false;
    }
    if (b.entries.empty()) break;
    // Until the oldest store retires; its owner's fence may cut that short
    // (wait_for_buffer) and wakes us, or drain it itself.
    while (!b.entries.empty() && b.entries.front().issue > clock()) {
      // A SimGrid timeout runs from SimGrid's clock, which a hand-over may
      // have left behind lockscope's (wake_queue.hpp): measured from it.
      (void)b.work->acquire_timeout(to_seconds(b.entries.front().issue) - simgrid::s4u::Engine::get_clock());
    }
    if (b.entries.empty()) continue;
    b.busy = true;
    const BufferedStore e = b.entries.front();
    const Picos start = clock();
    const bool idle = directory_.last_moved(e.line) <= start && (e.line >= waiting_.size() || waiting_[e.line].empty());
    if (idle) {
      // The line changes hands when the transfer is over: until then the
      // other cores keep reading their copies (the old value). Then the
      // store is performed from its start; if another core took the line
      // meanwhile, it completes that much later.
      // A settled line: the store is not held, as no miss would be.
      const bool wait_for_hold = !sim_costs_.hold_while_used;
      const Picos expected = directory_.would_complete(d.core, e.line, coherence::Access::store, start, wait_for_hold);
      sleep_until(d, expected);
      const Picos done = directory_.access(d.core, e.line, coherence::Access::store, start, wait_for_hold);
      sleep_until(d, done);
      landed(e.line, d);
      serve_next(e.line, std::max(done, clock()));
    } else {
      // Others wait for the line: the drain takes its turn like any miss.
      access(e.line, coherence::Access::store, lockimpl::MemoryOrder::relaxed);
      catch_up(d);
    }
    b.busy = false;
    // set_running(false) may have flushed the buffer while this waited.
    if (b.entries.empty()) break;
    performed(e, clock() + d.ahead);
    b.entries.pop_front();
    wake_buffer_waiters(b);
  }
  b.stopped = true;
  wake_buffer_waiters(b);
}

}  // namespace lockscope::engine::sim
