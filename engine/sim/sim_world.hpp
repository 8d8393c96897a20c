// SimWorld: the state every simulated atomic, mutex and waiter reaches: the
// coherence directory, the per-worker clocks, and the costs of fences and
// barriers. One per process, like SimGrid's engine; the replay creates it
// before any lock and destroys it after.
//
// Time. SimGrid's clock is a double in seconds; ours is integer picoseconds.
// Each worker also keeps `ahead`: time it has spent on work that cannot
// interact with another core (L1 hits, fences, busy time) and has not yet
// told SimGrid about. Work is charged lazily that way and synchronized
// (one sleep) before anything that can interact with another core: a miss,
// a blocking call, or once `ahead` exceeds the quantum. Without it every
// access would cost a simcall, and a simulation would top out near a
// million accesses per second (Graphite's lax synchronization, ZSim's
// bound-weave).
#pragma once

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Semaphore.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/coherence/directory.hpp"
#include "engine/sim/held_moves.hpp"
#include "engine/sim/store_buffer.hpp"
#include "engine/sim/wake_queue.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::engine::sim {

using coherence::Picos;

// What a blocked worker is blocked in, for the timeline.
enum class BlockKind : std::uint8_t { mutex, wait_queue, waiter };

// Told when a worker blocks and wakes; the replay turns this into states.
class BlockObserver {
 public:
  virtual ~BlockObserver() = default;
  virtual void blocked(unsigned worker, BlockKind kind, Picos at) = 0;
  virtual void unblocked(unsigned worker, Picos at) = 0;
  // The worker entered (`waiting`) or left a Waiter's wait_while (QEMU's
  // AIO_WAIT_WHILE): it waits, spinning or asleep, for a condition others
  // change. Every lock here uses it for a writer waiting for readers.
  virtual void in_waiter(unsigned /*worker*/, bool /*waiting*/, Picos /*at*/) {}
};

// Which waiting core a contended line goes to next (docs/simulator.md,
// "Arbitration"). Each rule orders the requests that wait for a busy line by
// a key; the smallest key wins, exact ties are broken by the seed.
//   nearest_first  every time the line lands, the requests still waiting
//                  compete afresh: the one nearest to the new holder reaches
//                  it first (key: max(issue, landed) + latency(requester,
//                  holder)). Snooping and retrying fabrics behave so; the
//                  line stays near while someone near wants it.
//   arrival        requests travel once, to the holder when they were
//                  issued (key: issue + latency(requester, holder)): first
//                  come, first served, with a head start for near cores.
//   fifo           the request issued first (key: issue), as a home
//                  directory that queues requests in order would serve them.
enum class Arbitration : std::uint8_t { nearest_first, arrival, fifo };

// What a load may see (docs/simulator.md, "Memory ordering").
//   sc   sequentially consistent: a store is visible to every core once its
//        access completes; the storing core waits for it.
//   tso  x86's total store order: each core has a FIFO store buffer, shared
//        by the workers that take turns on it (coroutines of one context
//        run on one thread); a store waits there while its core runs on, and drains
//        to the line in order; the core's own loads see its newest buffered
//        store; fence(), every RMW, a seq_cst store and a blocking call
//        drain it; heavy_barrier() drains every other core's.
enum class MemoryModel : std::uint8_t { sc, tso };

// SimGrid's time, in seconds, for one of ours.
inline double to_seconds(Picos t) { return static_cast<double>(t) * 1e-12; }

struct SimCosts {
  Picos fence = 8'000;           // a full fence: drain the store buffer
  Picos heavy_barrier = 2'000'000;  // membarrier(2): IPIs to every core
  // membarrier(2) with no other core running a worker (machine::Machine::
  // heavy_barrier_alone_ns); 0: a plain system call (`syscall`).
  Picos heavy_barrier_alone = 0;
  Picos pause = 10'000;          // cpu_relax()
  Picos clock_read = 0;          // P::now_ns(): a vDSO clock_gettime (machine::Machine::clock_read_ns)
  Picos ooo_window = 0;          // work run in the shadow of outstanding accesses (SimWorld::work)
  Picos quantum = 200'000;       // most a worker may run ahead of SimGrid's clock
  Picos lookahead = 50'000;      // a miss this close ahead is issued without catching up first
  Arbitration arbitration = Arbitration::nearest_first;
  // How often a waiting request may be overtaken by requests issued after
  // it before it is served first (the anti-starvation that coherence
  // fabrics keep: bounded unfairness, never starvation). Unbounded: the rule
  // alone decides.
  std::uint32_t patience = 64;
  // The wake-up queue's hand-over (wake_queue.hpp): the last worker running
  // wakes the next due itself, without a SimGrid round. Off, every wake-up
  // is a SimGrid round: the same results, slower (tests compare the two).
  bool hand_over = true;
  // The hold (line_hold) is for the requests that queued while the line
  // was in flight, and only while its holder uses the line: it ends when
  // the holder turns to something else (work, a clock read, a miss
  // elsewhere, a system call); a request that finds the line settled is
  // served at once. Off, every request waits for the hold's full length
  // from the landing, whatever the holder does (the model before
  // 2026-12-08; docs/fidelity.md, twelfth round).
  bool hold_while_used = true;
  // Sharing a core (docs/simulator.md, "Sharing a core"): threads of
  // different contexts on one core take turns every `slice` (Linux CFS's
  // minimum granularity on a multi-core machine) and pay `thread_switch`;
  // workers of one context are coroutines and switch cooperatively, paying
  // `coroutine_switch` (QEMU's qemu_coroutine_switch).
  Picos slice = 3'000'000'000;   // 3 ms
  Picos thread_switch = 2'000'000;  // 2 us: kernel entry, scheduler, TLB and cache refill
  Picos coroutine_switch = 50'000;  // 50 ns: a user-space stack switch
  // A worker blocked in the kernel and woken from another core runs again
  // this much later (machine::Scheduler::wake_ns).
  Picos wake = 3'000'000;  // 3 us
  // The wake-up by how long the sleeper had slept (machine::Scheduler::
  // wake_idle_ns, wake_after_idle_ns): at wake_idle[i] it is
  // wake_after_idle[i], linear between, flat beyond. Empty: `wake` always.
  std::vector<Picos> wake_idle;
  std::vector<Picos> wake_after_idle;
  // What waking a sleeper on another core costs the waker: the futex_wake
  // system call and its IPI (machine::Scheduler::wake_call_ns).
  Picos wake_call = 1'000'000;  // 1 us
  // A futex system call that returns without sleeping (machine::Scheduler::
  // syscall_ns): a blocking wait spends half of it before the kernel checks
  // whether it must sleep.
  Picos syscall = 300'000;  // 300 ns
  // A worker waiting for a kick polls this long before it sleeps
  // (machine::Scheduler::spin_ns).
  Picos spin = 800'000;  // 800 ns
  std::uint64_t seed = 1;        // breaks exact ties in arbitration
  MemoryModel memory_model = MemoryModel::sc;
  // Entries of a store buffer (tso): a store into a full buffer waits for
  // the oldest to drain. Skylake's store buffer holds 56.
  std::uint32_t store_buffer_depth = 56;
  // The longest retire delay of a store behind an older miss
  // (machine::Machine::retire_delay_max_ns); 0: the memory latency.
  Picos retire_delay_max = 0;
};

struct SimWorker {
  unsigned id = 0;
  unsigned core = 0;
  lockimpl::ContextId context = 0;
  Picos ahead = 0;
  // Where the worker parks while it waits for its core (CoreScheduler);
  // created on first use. A contended line's wait suspends the actor.
  simgrid::s4u::SemaphorePtr wake;
  bool granted = false;   // its line request was served...
  Picos granted_done = 0; // ...and completes then
  Picos asleep_since = 0; // when it last gave its core up to block (off_core)
  bool scheduled = false; // shares its core with others (CoreScheduler)
  bool has_core = false;
  // tso: the store buffer of the worker's core, attached at its first
  // buffered store and detached when it moves or ends; `drains` marks the
  // buffer's own actor, whose stores go to the line.
  StoreBuffer* buffer = nullptr;
  bool drains = false;
  std::uint64_t stores_buffered = 0;  // seeds each store's retire delay
  // tso: the worker left its core's drain asleep (StoreBuffer::wake_pending)
  // for a store that retires at this time; running ahead past it, the
  // worker wakes the drain (SimWorld::charge), which then performs the
  // store at its own time. kNoDrainDue: nothing left pending.
  static constexpr Picos kNoDrainDue = ~Picos{0};
  Picos drain_due = kNoDrainDue;
  simgrid::s4u::SemaphorePtr drained;  // where it waits for a buffer to shrink
  // The actor it is attached to, and the highest frame address seen there
  // when it attached: a frame at most SimWorld::kStackWindow below this one
  // is on that actor's stack (SimWorld::self).
  std::size_t actor_pid = 0;
  // The same actor, for WakeQueue's resume. Not an ActorPtr: that would
  // keep an ended actor's stack (a tso drain's) alive with the worker.
  simgrid::s4u::Actor* actor = nullptr;
  std::uintptr_t stack_top = 0;
  // With an out-of-order window: how much of the memory time that ended at
  // `shadow_at` (the worker's time then) the work right after may overlap
  // (SimWorld::work). Anything else first (a sleep, a block, a clock read,
  // a move, a switch to another thread) leaves no shadow.
  Picos shadow = 0;
  Picos shadow_at = ~Picos{0};
  // Lines whose hold here (line_hold) delays another core's granted
  // request: when it turns to something else, they leave (HeldMoves).
  std::vector<coherence::LineId> keeping;
};

class CoreScheduler;

class SimWorld {
 public:
  SimWorld(coherence::CostModel costs, SimCosts sim_costs);
  ~SimWorld();
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  // The world of this process; aborts if there is none. Inline, as are the
  // clock, now() and the sc early-outs below: they run several times per
  // lock operation.
  static SimWorld& current() {
    if (world_ == nullptr) [[unlikely]] no_world();
    return *world_;
  }

  // Attaches the calling actor to `worker` (kept by the caller).
  void attach(SimWorker& worker);
  // The calling actor's worker. Asking SimGrid costs a thread-local lookup
  // in its shared library at every call, several per lock operation (a
  // tenth of a replay's instructions), so the last answer is kept with the
  // actor's stack: a frame at most kStackWindow below where that actor
  // attached is on that actor's stack, since every actor has a stack of its
  // own (SimGrid's default is 8 MiB) and the answer is forgotten when any
  // actor ends (a new one may get the old stack). Anything else asks SimGrid.
  SimWorker& self() {
    const auto frame = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
    if (frame <= self_top_ && self_top_ - frame < kStackWindow) [[likely]] {
#ifdef LOCKSCOPE_CHECK_SELF
      check_self(*self_);
#endif
      return *self_;
    }
    return look_up_self();
  }
  static constexpr std::uintptr_t kStackWindow = 256 * 1024;
  // An actor ended: the kept answer may be its.
  void forget_self() {
    self_ = nullptr;
    self_top_ = 0;
  }

  coherence::Directory& directory() { return directory_; }
  const SimCosts& costs() const { return sim_costs_; }
  void set_observer(BlockObserver* observer) { observer_ = observer; }
  // Logs every store that goes through a store buffer (tso) to `log`, in
  // the order the stores enter the buffers, each with the time it becomes
  // visible to the other cores; nullptr stops logging.
  void set_store_log(std::vector<StoreLogEntry>* log) { store_log_ = log; }
  BlockObserver* observer() const { return observer_; }

  // A name for the line of the variable at `address`.
  coherence::LineId line_for(const void* address, const lockimpl::LineName& name);
  // A line for a platform object that has no LineName (a mutex, a waiter).
  coherence::LineId line_for(const void* address, const char* what);
  // Put before every line name from now on ("cache_lock: "): a replay of
  // several locks builds each under the name of the lock it stands for, so
  // two graph locks' `graph.ctx[3].readers` stay apart in the tables.
  void set_line_prefix(std::string prefix) { line_prefix_ = std::move(prefix); }

  // The calling worker's time, ahead included.
  Picos now() { return clock() + self().ahead; }
  // Charges `cost` of local work to the calling worker (lazily).
  void charge(Picos cost);
  // Work that touches no shared line (a trace's hold): with an
  // out-of-order window (SimCosts::ooo_window) it first runs in the shadow
  // of the misses just before it, still outstanding, and only what is left
  // of it is charged (docs/simulator.md, "Work in the shadow of a miss").
  void work(Picos cost);
  // Tells SimGrid about the calling worker's lazy time (one sleep).
  void sync();
  // One coherence access by the calling worker: a hit is charged lazily, a
  // miss synchronizes and sleeps until the line arrives. A load may pass
  // `sample`: in tso a miss fills it when the line arrives.
  void access(coherence::LineId line, coherence::Access access, lockimpl::MemoryOrder order,
              LoadSample* sample = nullptr);
  [[nodiscard]] bool tso() const { return sim_costs_.memory_model == MemoryModel::tso; }

  // SimGrid's clock, in picoseconds: converted once each time SimGrid moves
  // it (on_time_advance) rather than at each of the millions of reads (a
  // library call and a rounding each).
  static Picos clock() { return clock_; }

  // Memory ordering (SimCosts::memory_model). A store of `bits` into
  // `object`: in sc, or when it cannot wait in the store buffer, this is
  // the access and returns false, and the caller writes the value; in tso a
  // store that would miss (or finds older stores buffered) goes into the
  // calling worker's store buffer, returns true, and `apply` writes it when
  // it drains.
  bool buffer_store(coherence::LineId line, lockimpl::MemoryOrder order, void* object, std::uint64_t bits,
                    ApplyStore apply) {
    if (!running_ || !tso()) {
      access(line, coherence::Access::store, order);
      return false;
    }
    return buffer_store_tso(line, order, object, bits, apply);
  }
  // The calling worker's newest buffered store to `object` (its own loads
  // see it before anyone else does), or nothing.
  std::optional<std::uint64_t> forwarded(const void* object) {
    if (!running_ || !tso()) return std::nullopt;
    return forwarded_tso(object);
  }
  // fence(): the machine's fence cost; in tso it also waits until the
  // calling worker's store buffer has drained.
  void fence();
  // tso: waits until the calling worker's store buffer has drained, at no
  // cost of its own: what a system call's locked instructions (futex wait
  // and wake) do. Nothing in sc.
  void drain_own_buffer();
  // membarrier(2): the barrier's cost; in tso every core's buffer drains
  // (each IPI runs a fence there) and the caller waits for all of them.
  void heavy_barrier();
  // The calling worker ends: its buffered stores drain and its buffer's
  // actor stops.
  void finish_worker();

  // Core sharing (CoreScheduler). The calling worker takes part from
  // join_core on, and leaves at leave_core (it ends). Outside, these are
  // no-ops: a worker that never joined has a core of its own.
  void join_core();
  void leave_core();
  // Around a blocking wait: the core goes to the next worker meanwhile.
  void off_core();
  void on_core();
  // After a blocking wait ends: a wake from another core costs the kernel's
  // wake-up (SimCosts::wake); one from this core is a switch, charged by
  // the core's scheduler.
  void woken_by(unsigned waker_core);
  // The wake-up of a worker that slept `slept` (SimCosts::wake_idle).
  [[nodiscard]] Picos wake_after(Picos slept) const;
  // Half a system call (SimCosts::syscall), spent by the calling worker on
  // its core: the way into the kernel, or back out. Nothing outside a run.
  void syscall_leg();
  // What membarrier(2) costs the calling worker now: private expedited
  // interrupts only the cores that run a thread of the process, so with no
  // other core running a worker it costs SimCosts::heavy_barrier_alone (a
  // plain system call, SimCosts::syscall, when that is 0); otherwise
  // SimCosts::heavy_barrier (measured with every other core busy).
  [[nodiscard]] Picos heavy_barrier_cost();
  // The calling worker's core while running; 0 outside (building, inspecting).
  unsigned current_core() { return running_ ? self().core : 0; }
  // A coroutine ends a request (it starts to think) or polls (cpu_relax):
  // a waiting coroutine of its context may run first.
  void switch_point();
  // Moves the calling worker to `context` on `core` (the core changes hands).
  void move_to(lockimpl::ContextId context, unsigned core);
  [[nodiscard]] const CoreScheduler& scheduler() const { return *scheduler_; }

  // Between set_running(true) and set_running(false) accesses come from
  // worker actors and cost time; outside (building a lock, inspecting it
  // after the run) they are free and untimed.
  // Stopping also writes every store still buffered (a run that ended with
  // stores in flight), so what the engine inspects afterwards is memory.
  void set_running(bool running);
  [[nodiscard]] bool running() const { return running_; }
  // Blocking waits that slept (gave up the core until a wake-up) so far in
  // the run: what a real thread counts as a voluntary context switch.
  [[nodiscard]] std::uint64_t sleeps() const { return sleeps_; }

 private:
  // The same, for a worker already looked up (the per-access path).
  void charge(SimWorker& w, Picos cost);
  // access() for a worker already looked up, without the shadow's account:
  // when a miss was issued and when its line arrived; {} for a hit.
  struct Miss {
    Picos start = 0;
    Picos done = 0;
  };
  // Inlined into both of access()'s paths: the per-access path pays no
  // call for the window it does not use.
  [[gnu::always_inline]] inline Miss perform(SimWorker& w, coherence::LineId line, coherence::Access access,
                                             lockimpl::MemoryOrder order, LoadSample* sample);
  void sync(SimWorker& w);
  // sync without the preemption check, for a worker about to leave its core
  // anyway (it may hold a platform-internal mutex that a worker taking its
  // core would block on).
  void catch_up(SimWorker& w);
  // Every timed sleep of a worker (or a drain) goes through wakes_, so that
  // same-time wake-ups run in the order they were scheduled.
  void sleep_until(SimWorker& w, Picos at);
  // A miss on a line that is in flight, or that others wait for: waits its
  // turn (SimCosts::arbitration) and returns when its access completes.
  Picos wait_for_line(SimWorker& w, coherence::LineId line, coherence::Access access, Picos issue);
  // The line just landed at its holder: the next waiting request, if any,
  // is served from now.
  void serve_next(coherence::LineId line, Picos now);
  // `line` landed at `w` (a miss of its own completed): the holder of
  // its hold (HeldMoves), with line_hold and hold_while_used.
  void landed(coherence::LineId line, SimWorker& w);
  // Lines are held, and a holder may let go sooner (HeldMoves).
  [[nodiscard]] bool holds_while_used() const {
    return directory_.costs().line_hold != 0 && sim_costs_.hold_while_used;
  }
  // Work longer than an access's own hit and fence: the core turns to
  // something else (back-to-back accesses keep their lines).
  [[nodiscard]] bool turns_away(Picos cost) const {
    return cost > directory_.costs().l1_hit + sim_costs_.fence;
  }
  // The worker does something other than access its lines (work, a clock
  // read, a miss elsewhere, a system call): a move that the hold of a line
  // here delays starts now (docs/simulator.md, "Handing over"). Inline: it
  // runs at each of those, mostly with nothing kept.
  void let_go(SimWorker& w) {
    if (!w.keeping.empty()) [[unlikely]] held_.let_go(w, clock() + w.ahead, directory_, wakes_);
  }
  std::string prefixed(const void* address, std::string name) const;
  // tso: the buffer of the worker's core (created with its drain actor on
  // first use); letting go of it (a move, the worker's end: the last user
  // stops its drain); waiting until a buffer holds at most `keep` stores;
  // the drain's loop.
  StoreBuffer& buffer_of(SimWorker& w);
  // The buffer of the worker's core, if a worker there has stored: a
  // sibling's buffered stores are forwarded to this worker and drained by
  // its fences, as on one thread. Only storing workers attach to it (its
  // drain runs until the last of them moves away or ends). Null for a
  // drain actor.
  [[nodiscard]] StoreBuffer* core_buffer(const SimWorker& w) const;
  void detach_buffer(SimWorker& w);
  void wait_for_buffer(SimWorker& w, StoreBuffer& b, std::size_t keep);
  void drain(StoreBuffer& b, SimWorker& drainer);
  // The oldest store can be drained by its own worker, at once: its line is
  // here and nobody waits for it.
  [[nodiscard]] bool drains_here(const SimWorker& w, const BufferedStore& e) const;
  void drain_here(SimWorker& w, StoreBuffer& b);
  // The worker is about to sleep: drain what it can itself, and wake its
  // buffer's drain for the rest.
  void before_sleep(SimWorker& w, StoreBuffer& b);
  static void wake_buffer_waiters(StoreBuffer& b);
  [[nodiscard]] Picos retire_delay(const SimWorker& w, std::uint64_t n) const;

  struct LineRequest {
    SimWorker* worker;
    Picos issue;
    coherence::Access access;
    std::uint64_t tie;  // seeded: breaks exact ties
    std::uint32_t overtaken = 0;  // requests issued after it served before it
    std::uint32_t core = 0;       // the worker's (it cannot move while it waits)
  };

  coherence::Directory directory_;
  SimCosts sim_costs_;
  std::unique_ptr<CoreScheduler> scheduler_;
  std::vector<std::vector<LineRequest>> waiting_;  // by line: requests not yet served
  HeldMoves held_;  // the moves a hold delays, for let_go
  WakeQueue wakes_;  // catch-ups and granted lines: woken in scheduling order
  std::uint64_t tie_state_;
  std::uint64_t sleeps_ = 0;  // woken_by calls in a run: blocking waits that slept
  static inline SimWorld* world_ = nullptr;  // the one of this process
  static inline Picos clock_ = 0;  // SimGrid's clock, kept by on_time_advance, or ahead of it (advance_clock)
  [[noreturn]] static void no_world();
  friend void follow_simgrid();
  // The wake-up queue's hand-over moves the clock ahead of SimGrid's
  // (wake_queue.hpp); SimGrid's catches up at its next round.
  static void advance_clock(Picos to) { clock_ = std::max(clock_, to); }
  friend class WakeQueue;
  bool buffer_store_tso(coherence::LineId line, lockimpl::MemoryOrder order, void* object, std::uint64_t bits,
                        ApplyStore apply);
  std::optional<std::uint64_t> forwarded_tso(const void* object);
  std::vector<SimWorker*> by_pid_;
  SimWorker* self_ = nullptr;   // the last answer of look_up_self...
  std::uintptr_t self_top_ = 0; // ...and its actor's stack_top (0: none kept)
  SimWorker& look_up_self();
  void check_self(const SimWorker& kept);
  std::vector<std::unique_ptr<StoreBuffer>> buffers_;
  std::vector<StoreBuffer*> core_buffers_;  // by core: the one in use, or null
  std::vector<std::unique_ptr<SimWorker>> drainers_;
  BlockObserver* observer_ = nullptr;
  std::vector<StoreLogEntry>* store_log_ = nullptr;
  // A buffered store is performed at `at`: its value is where other cores read it.
  void performed(const BufferedStore& e, Picos at) {
    if (e.apply != nullptr) e.apply(e.object, e.bits);
    if (store_log_ != nullptr && e.log < store_log_->size()) (*store_log_)[e.log].visible = at;
  }
  std::uint32_t anonymous_lines_ = 0;
  std::string line_prefix_;
  bool running_ = false;
};

}  // namespace lockscope::engine::sim
