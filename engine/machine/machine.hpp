// Machine: what the coherence model needs to know about a multicore. Cores,
// one-way core-to-core transfer latencies, and the few costs that do not
// depend on a pair of cores. Presets, machine files (TOML), imported
// core-to-core-latency CSVs and `lockscope calibrate` all produce one.
//
// Latency direction: latency(from, to) is the time for a line that `from`
// holds to reach `to` (row = owner, column = requester). Measured matrices
// are never exactly symmetric, and some benchmarks are directional, so an
// asymmetric matrix is valid; presets are symmetric. The diagonal is always
// l1_hit_ns: a core's own line is a hit.
//
// A "core" is whatever the simulator schedules a worker on: a hardware thread
// for a calibrated or imported matrix (SMT siblings show up as a tight pair).
#pragma once

#include <cstddef>
#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockscope::engine::machine {

// The largest machine any reader accepts: 4096 x 4096 latencies is 128 MiB.
inline constexpr unsigned kMaxCores = 4096;

// Per-state access costs in the manner of ccbench (David, Guerraoui,
// Trigonakis, "Everything you always wanted to know about synchronization
// but were afraid to ask", SOSP 2013): the latency of one access by a core
// to a line that is, before the access,
//   modified   M in another core (that core wrote it last);
//   exclusive  E in another core (it read the line from memory, alone);
//   shared     S in other cores. For a load: k >= 2 other cores read it and
//              the requester has no copy (one reader alone holds it E).
//              For a store or an RMW, per k = 1, 2, ...: the requester wrote
//              it, then k other cores read it, so the requester shares it
//              too and must invalidate k copies (ccbench's STORE_ON_SHARED);
//   memory     in no cache (clflush, then the access).
// They are measured between one pair of cores whose matrix latency is
// `reference_ns`, and the model applies them at every distance as a ratio:
// an access that the plain model charges latency(from, to) is charged
// latency(from, to) x cost / reference_ns. Memory costs are absolute.
// A cost of 0 is "not given": that access costs what the plain model charges
// (latency(from, to), or memory_ns), so a machine without these keys is
// simulated exactly as before they existed. docs/machines.md, "Per-state
// access costs".
struct AccessCosts {
  struct Op {
    double modified_ns = 0;
    double exclusive_ns = 0;
    double shared_ns = 0;              // loads only: S in k >= 2 other cores
    std::vector<double> shared_by_ns;  // stores and RMWs: [k - 1] for k sharers; the last for more
    double memory_ns = 0;
    friend bool operator==(const Op&, const Op&) = default;
  };
  double reference_ns = 0;  // 0: no per-state costs at all
  Op load;
  Op store;
  Op rmw;  // fetch_add (a locked RMW; CAS costs the same on x86 within noise)

  [[nodiscard]] bool given() const { return reference_ns > 0; }
  friend bool operator==(const AccessCosts&, const AccessCosts&) = default;
};

// Who gets a contended line next (docs/simulator.md, "Arbitration"); the
// simulator's sim::Arbitration, named here so that machines need no
// simulator. nearest_first: the waiting request nearest the line's new
// holder; arrival: the request that reached the holder first (issue time
// plus its latency to it); fifo: the request issued first.
enum class Arbitration : std::uint8_t { nearest_first, arrival, fifo };

// Which requests a line's hold (line_hold_ns) delays, and for how long
// (docs/simulator.md, "Handing over"; sim::SimCosts::hold_while_used).
// while_used: those that waited for the line in flight, until the holder
// turns to something else; fixed: every request, for the whole hold.
enum class LineHoldRule : std::uint8_t { while_used, fixed };

// What a load may see (docs/simulator.md, "Memory ordering"); the
// simulator's sim::MemoryModel, named here for the same reason. sc: a store
// is visible to every core once its access completes; tso: x86's total
// store order, each core has a FIFO store buffer of `store_buffer_depth`
// entries that drains in order while the core runs on.
enum class MemoryModel : std::uint8_t { sc, tso };

// The deepest store buffer a machine may give (Skylake's holds 56).
inline constexpr std::uint32_t kMaxStoreBufferDepth = 4096;

// How workers share a core (docs/simulator.md, "Sharing a core"). The
// defaults are the simulator's own.
struct Scheduler {
  double slice_us = 3000;           // a thread's turn on a shared core (CFS granularity)
  double thread_switch_ns = 2000;   // switching threads: kernel, scheduler, cache refill
  double coroutine_switch_ns = 50;  // switching coroutines of one context: a stack switch
  // A thread blocked in the kernel (a futex: a contended mutex, a condition
  // variable) and woken by a thread on another core runs again this long
  // after the wake: the IPI, the idle exit and the schedule-in. Linux on a
  // bare-metal server with shallow idle states; calibrate measures it.
  double wake_ns = 3000;
  // What the waker pays for that: the futex_wake system call, whose IPI to
  // the sleeper's core it waits for (a VM exit under a hypervisor).
  double wake_call_ns = 1000;
  // A futex system call that does not sleep (the word changed): a thread
  // about to sleep is half of it into the kernel when the word is checked,
  // so a release or notify meanwhile costs no wake-up. Linux with page-table
  // isolation on a current server core; calibrate measures it.
  double syscall_ns = 300;
  // A thread that waits for a kick (QEMU's AIO_WAIT_WHILE) polls this long
  // before it sleeps in the kernel, and a kick that comes meanwhile costs no
  // wake-up: libstdc++'s std::atomic::wait spins 12 pauses and 4
  // sched_yield calls first, as QEMU's event loops poll (poll-max-ns)
  // before they block. calibrate measures the libstdc++ spin.
  double spin_ns = 800;
  // The wake-up by how long the sleeper's core had been idle: at idle
  // wake_idle_ns[i] it takes wake_after_idle_ns[i], linearly between, the
  // first and last beyond. A core (a VM's vCPU above all) idle longer has
  // gone deeper: out of the hypervisor's halt polling, into a deeper
  // C-state. calibrate measures a few points; empty: wake_ns at any idle.
  std::vector<double> wake_idle_ns;
  std::vector<double> wake_after_idle_ns;
  friend bool operator==(const Scheduler&, const Scheduler&) = default;
};

// Every [scheduler] key, once: the machine file reads and writes these,
// validate checks them. `positive`: 0 is not allowed (else: 0 or more).
struct SchedulerKey {
  std::string_view key;
  double Scheduler::*field;
  bool positive;
};
inline constexpr std::array<SchedulerKey, 7> kSchedulerKeys = {{
    {"slice_us", &Scheduler::slice_us, true},
    {"thread_switch_ns", &Scheduler::thread_switch_ns, false},
    {"coroutine_switch_ns", &Scheduler::coroutine_switch_ns, false},
    {"wake_ns", &Scheduler::wake_ns, false},
    {"wake_call_ns", &Scheduler::wake_call_ns, false},
    {"syscall_ns", &Scheduler::syscall_ns, false},
    {"spin_ns", &Scheduler::spin_ns, false},
}};

// "nearest-first" / "arrival" / "fifo", as machine files spell them.
std::string_view to_string(Arbitration a);
std::optional<Arbitration> parse_arbitration(std::string_view text);

// "while-used" / "fixed", as machine files spell them.
std::string_view to_string(LineHoldRule r);
std::optional<LineHoldRule> parse_line_hold_rule(std::string_view text);

// "sc" / "tso", as machine files and --memory-model spell them.
std::string_view to_string(MemoryModel m);
std::optional<MemoryModel> parse_memory_model(std::string_view text);

struct Machine {
  std::string name;
  std::string description;
  double clock_ghz = 0;         // for converting cycles, display
  double l1_hit_ns = 0;         // a hit in the core's own cache
  double memory_ns = 0;         // a miss no other core can serve
  double fence_ns = 0;          // a full fence (store-buffer drain)
  double heavy_barrier_ns = 0;  // membarrier(2) private expedited: IPIs to all cores
  std::vector<std::string> core_group;  // per core, e.g. "ccx3" or "socket1", for display
  std::vector<double> latency_ns;       // N x N row-major, one way; diagonal = l1_hit_ns
  AccessCosts access;                   // per-state costs; not given: the plain model
  Arbitration arbitration = Arbitration::nearest_first;
  // How often a waiting request may be overtaken before it is served first
  // (sim::SimCosts::patience); 0: never forced, the rule alone decides.
  std::uint32_t arbitration_patience = 64;
  // After a line lands in a core's cache, that core keeps it this long
  // before it answers another core's request (docs/simulator.md, "Handing
  // over"): a contended counter moves in batches. 0: the line leaves as soon
  // as the request reaches it. calibrate measures it.
  double line_hold_ns = 0;
  LineHoldRule line_hold_rule = LineHoldRule::while_used;
  // What reading the clock costs a lock (P::now_ns(): clock_gettime through
  // the vDSO, 10-25 ns on x86 Linux). BRAVO reads it at every write and on
  // its slow read path. 0 (free) unless measured: calibrate does.
  double clock_read_ns = 0;
  // How much of the misses before it a trace's hold (a critical section's
  // work, which touches no shared line) runs under: an out-of-order core
  // executes past a miss, and a critical section's first instructions run
  // while the acquiring RMW waits for its line (docs/simulator.md, "Work in
  // the shadow of a miss"). 0: a hold starts when the accesses before it
  // completed, as on an in-order core. calibrate measures it with a wait on
  // the cycle counter (what bench's holds are), which runs under a whole
  // miss to memory; real instructions run under a miss only as far as the
  // core's reorder buffer reaches.
  double ooo_window_ns = 0;
  // membarrier(2) private expedited when no other CPU runs a thread of the
  // process: no IPI, but the kernel still walks the CPUs and fences (450 ns
  // here against 367 for a futex call that does not sleep). 0: not
  // measured, charged as a plain system call (scheduler.syscall_ns), as
  // before the key existed. calibrate measures it.
  double heavy_barrier_alone_ns = 0;
  MemoryModel memory_model = MemoryModel::sc;
  // Entries of each core's store buffer under tso (1..kMaxStoreBufferDepth);
  // a store into a full buffer waits for the oldest to drain.
  std::uint32_t store_buffer_depth = 56;
  // Under tso, the longest a store waits to retire behind an older access
  // that misses (docs/simulator.md, "Retire delay"): one store in four
  // draws its delay uniformly below it. 0: the memory latency (memory_ns),
  // what the litmus tests were calibrated with. Larger values hold stores
  // longer: a stress setting that widens store-buffering windows, as a
  // loaded machine's slow misses do.
  double retire_delay_max_ns = 0;
  Scheduler scheduler;

  [[nodiscard]] unsigned cores() const { return static_cast<unsigned>(core_group.size()); }
  // Precondition: from, to < cores().
  [[nodiscard]] double latency(unsigned from, unsigned to) const {
    return latency_ns[static_cast<std::size_t>(from) * cores() + to];
  }

  friend bool operator==(const Machine&, const Machine&) = default;
};

// Everything but the matrix and the groups: what a CSV import or a topology
// needs on top of the latencies. The defaults are a generic current x86
// desktop (docs/machines.md gives their sources).
struct MachineParameters {
  std::string name = "imported";
  std::string description;
  double clock_ghz = 3.5;
  double l1_hit_ns = 1.2;
  double memory_ns = 90;
  double fence_ns = 8;
  double heavy_barrier_ns = 2000;
};

// Checks every invariant above: at least one core, sizes agree, every cost
// finite, clock, L1 and memory positive, fence and heavy barrier not
// negative, off-diagonal latencies positive, diagonal equal to l1_hit_ns;
// per-state costs finite and not negative, none without a reference; the
// scheduler's slice positive and its switch costs not negative; a known
// memory model and a store buffer depth of 1 to kMaxStoreBufferDepth.
// The error names the first violation.
std::expected<void, std::string> validate(const Machine& m);

// A machine from its parameters and an N x N matrix (row-major); the diagonal
// is overwritten with l1_hit_ns. Groups are inferred when `groups` is empty.
Machine make_machine(const MachineParameters& p, std::vector<std::string> groups,
                     std::vector<double> latency_ns);

// Groups for display when nobody named them: cores i and j share a group
// when the transfer between them is faster than the geometric mean of the
// fastest and slowest transfers. A matrix whose slowest transfer is under
// twice its fastest is one group. Groups are named group0, group1, ... in
// order of their first core. Deterministic.
std::vector<std::string> infer_core_groups(unsigned cores, const std::vector<double>& latency_ns);

// `--cores N`: the first N cores, with their latencies and groups. The name
// stays; the description says what was kept.
std::expected<Machine, std::string> first_cores(const Machine& m, unsigned n);

// The topology a NUMA-aware lock groups its readers by (NumaLock), per core
// as a dense index 0, 1, ... in order of first appearance. A machine names
// one level of groups, so the other is read from the names:
//   cache_of_cores:  the core groups themselves: the cores that share a
//                    last-level cache (a CCX on epyc-64, a socket on
//                    xeon-2s-56, whose L3 spans the mesh).
//   socket_of_cores: the `socketN` in a group's name (`socket1`,
//                    `socket1.ccx3`); groups named ccx*, ccd* or die* without
//                    one are parts of a single package (ryzen-16, epyc-64,
//                    laptop-8); any other group (inferred `groupN`, a name a
//                    machine file chose) is taken as a socket of its own,
//                    since it is a domain of cheap transfers.
std::vector<std::uint32_t> cache_of_cores(const Machine& m);
std::vector<std::uint32_t> socket_of_cores(const Machine& m);

// For tables: how many groups, and the range of off-diagonal latencies inside
// a group (near) and across groups (far). A range with no pair has count 0.
struct LatencyRange {
  double min = 0;
  double max = 0;
  std::size_t count = 0;
};
struct LatencySummary {
  unsigned groups = 0;
  LatencyRange near;
  LatencyRange far;
  bool symmetric = true;
};
LatencySummary summarize(const Machine& m);

}  // namespace lockscope::engine::machine
