#include "engine/stress/stress_registry.hpp"

#include <cstdio>

#include "engine/bench/locks/ck_brlock_lock.hpp"
#include "engine/bench/locks/ck_rwlock_lock.hpp"
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

namespace lockscope::engine::stress {
namespace {

using platform::RealPlatform;
namespace lk = lockimpl;

// The same instantiations as engine/bench/lock_registry.cpp. With contexts:
// the locks that count readers per context, per node or per worker slot.
template <class L>
using WithContexts = LockimplStressLock<L, true>;
template <class L>
using Shared = LockimplStressLock<L, false>;

using Graph = WithContexts<lk::GraphLock<RealPlatform, lk::SeedPolicy>>;
using GraphAsym = WithContexts<lk::GraphLock<RealPlatform, lk::AsymmetricPolicy>>;
using GraphPacked = WithContexts<lk::GraphLock<RealPlatform, lk::PackedSeedPolicy>>;
using Central = Shared<lk::CentralLock<RealPlatform>>;
using Br = WithContexts<lk::BrLock<RealPlatform>>;
using Numa = WithContexts<lk::NumaLock<RealPlatform, lk::NodeLevel::socket>>;
using NumaCcx = WithContexts<lk::NumaLock<RealPlatform, lk::NodeLevel::cache>>;
using Percpu = WithContexts<lk::PercpuRwsem<RealPlatform>>;
using GraphFair = WithContexts<lk::GraphFairLock<RealPlatform>>;
using Pf = Shared<lk::PfLock<RealPlatform>>;
using Bravo = WithContexts<lk::BravoLock<RealPlatform>>;
using GlibcRw = Shared<lk::GlibcRwlock<RealPlatform, lk::GlibcPreferReader>>;
using GlibcRwWp = Shared<lk::GlibcRwlock<RealPlatform, lk::GlibcPreferWriterNonrecursive>>;
using GlibcMx = ExclusiveStressLock<lk::GlibcMutex<RealPlatform>>;
using StdShared = BenchStressLock<bench::StdSharedMutexLock>;
using PthreadRw = BenchStressLock<bench::PthreadRwlockLock>;
using PthreadMx = BenchStressLock<bench::MutexLock<bench::PthreadMutex>>;
using TbbSpinRw = BenchStressLock<bench::TbbSpinRwLock>;
using CkRw = BenchStressLock<bench::CkRwlockLock>;
using CkBr = BenchStressLock<bench::CkBrlockLock>;
using Urcu = BenchStressLock<bench::UrcuLock>;
using GraphNoFence = WithContexts<lk::GraphLock<RealPlatform, lk::NoFencePolicy>>;
using PercpuNoFence = WithContexts<lk::PercpuRwsem<RealPlatform, lk::PercpuReaderFence::none>>;
using BravoNoFence = WithContexts<lk::BravoLock<RealPlatform, lk::BravoRevocation::release>>;

template <StressLock L>
StressResult run(const StressConfig& cfg, const StressHooks& hooks) {
  return run_stress<L>(cfg, hooks);
}

// graph-asym and percpu need membarrier(2); where it is missing, stress
// graph instead and say so, as bench does, rather than abort.
template <StressLock L, const char* kName>
StressResult run_needing_membarrier(const StressConfig& cfg, const StressHooks& hooks) {
  if (RealPlatform::heavy_barrier_available()) return run_stress<L>(cfg, hooks);
  std::fprintf(stderr, "lockscope: %s: %s; stressing graph (full fences) instead\n", kName,
               RealPlatform::heavy_barrier_unavailable_reason());
  StressResult r = run_stress<Graph>(cfg, hooks);
  r.note = "membarrier(2) unavailable: stressed graph (full fences) instead";
  return r;
}

constexpr char kGraphAsymName[] = "graph-asym";
constexpr char kPercpuName[] = "percpu";
constexpr char kPercpuNoFenceName[] = "percpu-nofence";

template <StressLock L>
constexpr StressEntry entry(std::string_view name, StressResult (*fn)(const StressConfig&, const StressHooks&),
                            bool broken = false) {
  return {name, kUsesContexts<L>, kUsesTryLocks<L>, fn, broken};
}

constexpr StressEntry kLocks[] = {
    entry<Graph>("graph", run<Graph>),
    entry<GraphAsym>("graph-asym", run_needing_membarrier<GraphAsym, kGraphAsymName>),
    entry<GraphPacked>("graph-packed", run<GraphPacked>),
    entry<Central>("central", run<Central>),
    entry<Br>("brlock", run<Br>),
    entry<Numa>("numa", run<Numa>),
    entry<NumaCcx>("numa-ccx", run<NumaCcx>),
    entry<Percpu>("percpu", run_needing_membarrier<Percpu, kPercpuName>),
    entry<GraphFair>("graph-fair", run<GraphFair>),
    entry<Pf>("pflock", run<Pf>),
    entry<Bravo>("bravo", run<Bravo>),
    entry<GlibcRw>("glibc-rwlock", run<GlibcRw>),
    entry<GlibcRwWp>("glibc-rwlock-wp", run<GlibcRwWp>),
    entry<GlibcMx>("glibc-mutex", run<GlibcMx>),
    entry<StdShared>("std-shared-mutex", run<StdShared>),
    entry<PthreadRw>("pthread-rwlock", run<PthreadRw>),
    entry<PthreadMx>("pthread-mutex", run<PthreadMx>),
    entry<TbbSpinRw>("tbb-spin-rw", run<TbbSpinRw>),
    entry<CkRw>("ck-rwlock", run<CkRw>),
    entry<CkBr>("ck-brlock", run<CkBr>),
    entry<Urcu>("urcu", run<Urcu>),
    entry<GraphNoFence>("graph-nofence", run<GraphNoFence>, true),
    entry<PercpuNoFence>("percpu-nofence", run_needing_membarrier<PercpuNoFence, kPercpuNoFenceName>, true),
    entry<BravoNoFence>("bravo-nofence", run<BravoNoFence>, true),
};

}  // namespace

std::span<const StressEntry> stress_locks() { return kLocks; }

const StressEntry* find_stress_lock(std::string_view name) {
  for (const StressEntry& e : kLocks) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace lockscope::engine::stress
