#include "engine/bench/lock_registry.hpp"

#include <cstdio>

#include "engine/bench/bench_runner.hpp"
#include "engine/bench/locks/ck_brlock_lock.hpp"
#include "engine/bench/locks/ck_rwlock_lock.hpp"
#include "engine/bench/locks/lockimpl_lock.hpp"
#include "engine/bench/locks/mutex_lock.hpp"
#include "engine/bench/locks/pthread_rwlock_lock.hpp"
#include "engine/bench/locks/std_shared_mutex_lock.hpp"
#include "engine/bench/locks/tbb_spin_rw_lock.hpp"
#include "engine/bench/locks/urcu_lock.hpp"
#include "engine/platform/real_platform.hpp"
#include "lockimpl/bravo.hpp"
#include "lockimpl/brlock.hpp"
#include "lockimpl/central_lock.hpp"
#include "lockimpl/glibc_mutex.hpp"
#include "lockimpl/glibc_rwlock.hpp"
#include "lockimpl/graph_fair_lock.hpp"
#include "lockimpl/graph_lock.hpp"
#include "lockimpl/numa_lock.hpp"
#include "lockimpl/percpu_rwsem.hpp"
#include "lockimpl/pflock.hpp"

namespace lockscope::engine::bench {
namespace {

using platform::RealPlatform;
using GraphSeed = LockimplLock<lockimpl::GraphLock<RealPlatform, lockimpl::SeedPolicy>>;
using GraphAsym = LockimplLock<lockimpl::GraphLock<RealPlatform, lockimpl::AsymmetricPolicy>>;
using Central = LockimplLock<lockimpl::CentralLock<RealPlatform>>;
using Br = LockimplLock<lockimpl::BrLock<RealPlatform>>;
using Numa = LockimplLock<lockimpl::NumaLock<RealPlatform, lockimpl::NodeLevel::socket>>;
using NumaCcx = LockimplLock<lockimpl::NumaLock<RealPlatform, lockimpl::NodeLevel::cache>>;
using Pf = LockimplLock<lockimpl::PfLock<RealPlatform>>;
using Bravo = LockimplLock<lockimpl::BravoLock<RealPlatform>>;
using GraphPacked = LockimplLock<lockimpl::GraphLock<RealPlatform, lockimpl::PackedSeedPolicy>>;
using Percpu = LockimplLock<lockimpl::PercpuRwsem<RealPlatform>>;
using GraphFair = LockimplLock<lockimpl::GraphFairLock<RealPlatform>>;
// The broken-on-purpose variants (docs/memory-ordering.md).
using GraphNoFence = LockimplLock<lockimpl::GraphLock<RealPlatform, lockimpl::NoFencePolicy>>;
using PercpuNoFence =
    LockimplLock<lockimpl::PercpuRwsem<RealPlatform, lockimpl::PercpuReaderFence::none>>;
using BravoNoFence = LockimplLock<lockimpl::BravoLock<RealPlatform, lockimpl::BravoRevocation::release>>;
using GlibcRw = LockimplLock<lockimpl::GlibcRwlock<RealPlatform, lockimpl::GlibcPreferReader>>;
using GlibcRwWp = LockimplLock<lockimpl::GlibcRwlock<RealPlatform, lockimpl::GlibcPreferWriterNonrecursive>>;
using GlibcMx = MutexLock<lockimpl::GlibcMutex<RealPlatform>>;
using PthreadMx = MutexLock<PthreadMutex>;

template <BenchLock L>
BenchResult run(const BenchConfig& cfg, const SpinDelay& delay) {
  return run_bench<L>(cfg, delay);
}

// Locks whose writer needs membarrier(2): graph-asym's heavy fence and
// percpu's grace period. Where it is missing, run the seed's full fences
// instead and say so, rather than run an incorrect lock.
bool warn_if_no_membarrier(const char* lock) {
  if (RealPlatform::heavy_barrier_available()) return false;
  std::fprintf(stderr, "lockscope: %s: %s; running graph (full fences) instead\n", lock,
               RealPlatform::heavy_barrier_unavailable_reason());
  return true;
}

template <BenchLock L, const char* kName>
BenchResult run_needing_membarrier(const BenchConfig& cfg, const SpinDelay& delay) {
  if (!warn_if_no_membarrier(kName)) return run_bench<L>(cfg, delay);
  BenchResult r = run_bench<GraphSeed>(cfg, delay);
  r.note = "membarrier(2) unavailable: ran with full fences (graph)";
  return r;
}

template <BenchLock L, const char* kName>
double uncontended_needing_membarrier(std::uint64_t iterations, int rounds) {
  if (!warn_if_no_membarrier(kName)) return uncontended_read_ns<L>(iterations, rounds);
  return uncontended_read_ns<GraphSeed>(iterations, rounds);
}

constexpr char kGraphAsymName[] = "graph-asym";
constexpr char kPercpuName[] = "percpu";
constexpr char kPercpuNoFenceName[] = "percpu-nofence";

constexpr LockEntry kLocks[] = {
    {"graph", "QEMU's graph lock as the seed RFC has it: per-context counters, full fences",
     true, run<GraphSeed>, uncontended_read_ns<GraphSeed>},
    {"graph-asym", "graph lock, reader fence moved to the writer (membarrier(2))", true,
     run_needing_membarrier<GraphAsym, kGraphAsymName>, uncontended_needing_membarrier<GraphAsym, kGraphAsymName>},
    {"graph-packed", "graph with QEMU's unpadded layout: neighbouring contexts share a line", true,
     run<GraphPacked>, uncontended_read_ns<GraphPacked>},
    {"central", "the foil: the same blocking protocol, one shared reader counter", true,
     run<Central>, uncontended_read_ns<Central>},
    {"brlock", "per-context reader slots marked with an RMW, spinning writer (ck_brlock)", true,
     run<Br>, uncontended_read_ns<Br>},
    {"numa", "one reader counter per socket, writer-preferring flag (Calciu et al., C-RW-WP)", true,
     run<Numa>, uncontended_read_ns<Numa>},
    {"numa-ccx", "numa with one reader counter per last-level cache (CCX) instead of per socket", true,
     run<NumaCcx>, uncontended_read_ns<NumaCcx>},
    {"percpu", "Linux percpu-rwsem: fence-free readers until a writer's grace period (membarrier(2))", true,
     run_needing_membarrier<Percpu, kPercpuName>, uncontended_needing_membarrier<Percpu, kPercpuName>},
    {"graph-fair", "graph lock, phase-fair: waiting writers stop new readers, queued readers go next", true,
     run<GraphFair>, uncontended_read_ns<GraphFair>},
    {"pflock", "phase-fair ticket lock (Brandenburg & Anderson, ck_pflock): readers bounce rin/rout", true,
     run<Pf>, uncontended_read_ns<Pf>},
    {"bravo", "BRAVO over central: readers publish in a hashed slot while the bias is on", true,
     run<Bravo>, uncontended_read_ns<Bravo>},
    {"glibc-rwlock", "glibc 2.36's pthread_rwlock algorithm, reader-preferring (the default kind), over P", true,
     run<GlibcRw>, uncontended_read_ns<GlibcRw>},
    {"glibc-rwlock-wp", "glibc-rwlock, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP: waiting writers stop readers",
     true, run<GlibcRwWp>, uncontended_read_ns<GlibcRwWp>},
    {"glibc-mutex", "glibc 2.36's default pthread_mutex algorithm over P; reads take it exclusively", true,
     run<GlibcMx>, uncontended_read_ns<GlibcMx>},
    {"std-shared-mutex", "libstdc++ std::shared_mutex", false, run<StdSharedMutexLock>,
     uncontended_read_ns<StdSharedMutexLock>},
    {"pthread-rwlock", "glibc pthread_rwlock_t, default (reader-preferring) attributes", false,
     run<PthreadRwlockLock>, uncontended_read_ns<PthreadRwlockLock>},
    {"pthread-mutex", "glibc pthread_mutex_t, default attributes; reads take it exclusively", false,
     run<PthreadMx>, uncontended_read_ns<PthreadMx>},
    {"tbb-spin-rw", "oneTBB spin_rw_mutex", false, run<TbbSpinRwLock>,
     uncontended_read_ns<TbbSpinRwLock>},
    {"ck-rwlock", "Concurrency Kit ck_rwlock (spinning, shared reader count)", false,
     run<CkRwlockLock>, uncontended_read_ns<CkRwlockLock>},
    {"ck-brlock", "Concurrency Kit ck_brlock (per-reader records, spinning writer)", false,
     run<CkBrlockLock>, uncontended_read_ns<CkBrlockLock>},
    {"urcu", "liburcu urcu-memb read side; write = mutex + synchronize_rcu (not an rwlock)",
     false, run<UrcuLock>, uncontended_read_ns<UrcuLock>},
    {"graph-nofence", "BROKEN (teaching): graph without the reader's fence; under x86-TSO both sides can enter",
     true, run<GraphNoFence>, uncontended_read_ns<GraphNoFence>, true},
    {"percpu-nofence", "BROKEN (teaching): percpu whose slow reader has no fence between count++ and its load of block",
     true, run_needing_membarrier<PercpuNoFence, kPercpuNoFenceName>,
     uncontended_needing_membarrier<PercpuNoFence, kPercpuNoFenceName>, true},
    {"bravo-nofence", "BROKEN (teaching): bravo whose writer revokes the bias with a plain store, no fence",
     true, run<BravoNoFence>, uncontended_read_ns<BravoNoFence>, true},
};

}  // namespace

std::span<const LockEntry> bench_locks() { return kLocks; }

const LockEntry* find_bench_lock(std::string_view name) {
  for (const LockEntry& e : kLocks) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace lockscope::engine::bench
