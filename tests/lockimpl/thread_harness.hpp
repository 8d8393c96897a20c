// Test support shared by the lock suites in tests/lockimpl/.
//
// Three things live here so that a test body says only what it checks:
//   - which lock types the suites run over, as type lists over a platform P
//     (ContractLocks<P>, GraphLocks<P> and its two halves by how the writer
//     waits), and a readable name for each;
//   - LockFixture<L>: skips a lock the platform cannot run (the asymmetric
//     fence needs membarrier(2)) and gives every test a fresh lock;
//   - Harness<P>: how a test starts workers, each in its own context, lets
//     them run, and waits for them. RealPlatform's specialization is here;
//     the simulated platform's (actors instead of threads, simulated sleeps
//     instead of real ones, each test in a simulation of its own) is in
//     sim_harness.hpp;
//   - LOCK_TEST(Suite, Name): a TYPED_TEST whose body runs wherever the
//     platform needs it to (in place on real threads; inside a simulation,
//     in a forked child, on the simulated platform).
//
// Contexts: a context is run by at most one thread at a time (its counter is
// updated by its owner with a plain load and store), so every worker gets a
// context of its own and the test's main thread keeps context 0 to itself.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/platform/real_platform.hpp"
#include "lockimpl/bravo.hpp"
#include "lockimpl/brlock.hpp"
#include "lockimpl/central_lock.hpp"
#include "lockimpl/glibc_rwlock.hpp"
#include "lockimpl/graph_fair_lock.hpp"
#include "lockimpl/graph_lock.hpp"
#include "lockimpl/graph_lock_policy.hpp"
#include "lockimpl/numa_lock.hpp"
#include "lockimpl/percpu_rwsem.hpp"
#include "lockimpl/pflock.hpp"

namespace lockscope::tests {

using lockimpl::ContextId;
using lockimpl::Fence;
using lockimpl::GraphPolicy;
using lockimpl::UnlockKick;
using lockimpl::WriterWait;

// Stress loops divide their iteration counts by this under ThreadSanitizer,
// which slows their tight loops several times over, so that the suite stays
// within its time budget there too.
#if defined(__SANITIZE_THREAD__)
inline constexpr int kSanitizerSlowdown = 4;
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif

// ---------------------------------------------------------------------------
// The lock types.

namespace detail {
template <class... Ts>
struct TypeList {};

// The types of In for which Keep<T>::value holds, as ::testing::Types.
template <template <class> class Keep, class In, class Out = TypeList<>>
struct Filter;
template <template <class> class Keep, class... Out>
struct Filter<Keep, TypeList<>, TypeList<Out...>> {
  using type = ::testing::Types<Out...>;
};
template <template <class> class Keep, class T, class... Ts, class... Out>
struct Filter<Keep, TypeList<T, Ts...>, TypeList<Out...>>
    : Filter<Keep, TypeList<Ts...>,
             std::conditional_t<Keep<T>::value, TypeList<Out..., T>, TypeList<Out...>>> {};
}  // namespace detail

// Every GraphLock policy that must pass the contract: all of
// Fence x UnlockKick x WriterWait except the known missed wakeup.
template <class... Policies>
struct PolicyList {
  static_assert((Policies::kKnownCorrect && ...), "only known-correct policies run the contract");
  template <class P>
  using Graph = ::testing::Types<lockimpl::GraphLock<P, Policies>...>;
  template <class P>
  using GraphAndCentral =
      ::testing::Types<lockimpl::GraphLock<P, Policies>..., lockimpl::CentralLock<P>,
                       lockimpl::BrLock<P>, lockimpl::NumaLock<P, lockimpl::NodeLevel::socket>,
                       lockimpl::NumaLock<P, lockimpl::NodeLevel::cache>, lockimpl::PercpuRwsem<P>,
                       lockimpl::GraphFairLock<P>, lockimpl::PfLock<P>, lockimpl::BravoLock<P>,
                       lockimpl::GlibcRwlock<P, lockimpl::GlibcPreferReader>,
                       lockimpl::GlibcRwlock<P, lockimpl::GlibcPreferWriterNonrecursive>>;
  // The GraphLocks whose type satisfies Keep (a trait over the lock type).
  template <class P, template <class> class Keep>
  using GraphWhere = typename detail::Filter<
      Keep, detail::TypeList<lockimpl::GraphLock<P, Policies>...>>::type;
  static constexpr std::size_t kSize = sizeof...(Policies);
};

using KnownCorrectPolicies = PolicyList<
    GraphPolicy<Fence::full, UnlockKick::if_writer, WriterWait::flag_held>,
    GraphPolicy<Fence::full, UnlockKick::always, WriterWait::flag_held>,
    GraphPolicy<Fence::full, UnlockKick::always, WriterWait::flag_cleared_while_polling>,
    GraphPolicy<Fence::asymmetric, UnlockKick::if_writer, WriterWait::flag_held>,
    GraphPolicy<Fence::asymmetric, UnlockKick::always, WriterWait::flag_held>,
    GraphPolicy<Fence::asymmetric, UnlockKick::always, WriterWait::flag_cleared_while_polling>>;

namespace detail {
template <Fence F, UnlockKick K, WriterWait W>
constexpr std::size_t kCorrect = GraphPolicy<F, K, W>::kKnownCorrect ? 1 : 0;

template <Fence F>
constexpr std::size_t known_correct_with() {
  using enum UnlockKick;
  using enum WriterWait;
  return kCorrect<F, if_writer, flag_held> + kCorrect<F, always, flag_held> +
         kCorrect<F, if_writer, flag_cleared_while_polling> +
         kCorrect<F, always, flag_cleared_while_polling>;
}
}  // namespace detail

// If the policy file marks another combination correct, it must be added above.
static_assert(KnownCorrectPolicies::kSize ==
                  detail::known_correct_with<Fence::full>() +
                      detail::known_correct_with<Fence::asymmetric>(),
              "KnownCorrectPolicies must list every combination with kKnownCorrect");

// The one place that says which locks a suite runs over.
template <class P>
using GraphLocks = KnownCorrectPolicies::Graph<P>;
template <class P>
using ContractLocks = KnownCorrectPolicies::GraphAndCentral<P>;

// What a test needs to know about a lock type beyond its interface.
template <class L>
struct LockTraits;

template <class P, class Policy>
struct LockTraits<lockimpl::GraphLock<P, Policy>> {
  using Platform = P;
  static constexpr bool kNeedsHeavyBarrier = Policy::kFence == Fence::asymmetric;
  static constexpr bool kSpins = false;
  static constexpr bool kFlagHeldWhileWaiting = Policy::kWriterWait == WriterWait::flag_held;
  // graph_full_ifwriter_held, graph_asym_always_polling, ...
  static std::string name() {
    std::string n = "graph_";
    n += Policy::kFence == Fence::full ? "full_" : "asym_";
    n += Policy::kUnlockKick == UnlockKick::if_writer ? "ifwriter_" : "always_";
    n += Policy::kWriterWait == WriterWait::flag_held ? "held" : "polling";
    return n;
  }
};

template <class P>
struct LockTraits<lockimpl::CentralLock<P>> {
  using Platform = P;
  static constexpr bool kNeedsHeavyBarrier = false;
  static constexpr bool kSpins = false;
  static std::string name() { return "central"; }
};

template <class P>
struct LockTraits<lockimpl::BrLock<P>> {
  using Platform = P;
  static constexpr bool kNeedsHeavyBarrier = false;
  // Waiters spin: on threads, fewer lockstep rounds (preempted holders on two cores).
  static constexpr bool kSpins = true;
  static std::string name() { return "brlock"; }
};

template <class P, lockimpl::NodeLevel Level>
struct LockTraits<lockimpl::NumaLock<P, Level>> {
  using Platform = P;
  static constexpr bool kNeedsHeavyBarrier = false;
  static constexpr bool kSpins = false;
  static std::string name() { return Level == lockimpl::NodeLevel::socket ? "numa" : "numa_ccx"; }
};

template <class P>
struct LockTraits<lockimpl::PercpuRwsem<P>> {
  using Platform = P;
  static constexpr bool kNeedsHeavyBarrier = true;  // the grace period
  static constexpr bool kSpins = false;
  static std::string name() { return "percpu"; }
};

template <class P>
struct LockTraits<lockimpl::GraphFairLock<P>> {
  using Platform = P;
  static constexpr bool kNeedsHeavyBarrier = false;
  static constexpr bool kSpins = false;
  static std::string name() { return "graph_fair"; }
};

template <class P>
struct LockTraits<lockimpl::PfLock<P>> {
  using Platform = P;
  static constexpr bool kNeedsHeavyBarrier = false;
  // Readers and writers spin, as brlock's.
  static constexpr bool kSpins = true;
  // And wait in ticket order: with more threads than cores, each hand-off to
  // a preempted waiter costs a time slice (a convoy), so the mixed stress
  // runs 1/50 of its operations on threads (the simulator runs them all).
  static constexpr int kStressDivisor = 50;
  static std::string name() { return "pflock"; }
};

template <class P>
struct LockTraits<lockimpl::BravoLock<P>> {
  using Platform = P;
  static constexpr bool kNeedsHeavyBarrier = false;
  // Only a revoking writer spins (on published readers, who are running);
  // everyone else waits in central, which sleeps: the full lockstep rounds.
  static constexpr bool kSpins = false;
  static std::string name() { return "bravo"; }
};

template <class P, class Policy>
struct LockTraits<lockimpl::GlibcRwlock<P, Policy>> {
  using Platform = P;
  static constexpr bool kNeedsHeavyBarrier = false;
  // Everyone sleeps on a futex word (FutexWord over the platform's mutex).
  static constexpr bool kSpins = false;
  static std::string name() {
    return Policy::kKind == lockimpl::GlibcRwlockKind::prefer_reader ? "glibc_rwlock" : "glibc_rwlock_wp";
  }
};

// What a lock's LockTraits::kStressDivisor says (1 if it says nothing): how
// much the mixed stress loop shrinks on real threads for that lock.
template <class L>
constexpr int stress_divisor() {
  if constexpr (requires { LockTraits<L>::kStressDivisor; }) {
    return LockTraits<L>::kStressDivisor;
  } else {
    return 1;
  }
}

// The GraphLocks whose writer waits with the flag up, and those that poll
// with it down (the two columns of the state table that differ).
template <class L>
using HoldsTheFlagWhileWaiting = std::bool_constant<LockTraits<L>::kFlagHeldWhileWaiting>;
template <class L>
using PollsWithTheFlagDown = std::bool_constant<!LockTraits<L>::kFlagHeldWhileWaiting>;
template <class P>
using GraphLocksHoldingTheFlag = KnownCorrectPolicies::GraphWhere<P, HoldsTheFlagWhileWaiting>;
template <class P>
using GraphLocksPollingWithTheFlagDown = KnownCorrectPolicies::GraphWhere<P, PollsWithTheFlagDown>;

// For TYPED_TEST_SUITE's NameGenerator argument.
struct LockName {
  template <class L>
  static std::string GetName(int /*index*/) {
    return LockTraits<L>::name();
  }
};

// ---------------------------------------------------------------------------
// Workers.

template <class P>
struct Harness;  // one specialization per platform

template <>
struct Harness<engine::platform::RealPlatform> {
  using Platform = engine::platform::RealPlatform;
  // Tests run in place, and the fixture builds the lock in SetUp.
  static constexpr bool kSimulated = false;
  // What stress loops divide their iteration counts by.
  static constexpr int kIterationDivisor = kSanitizerSlowdown;

  // Threads started by one test, each in the context it was given; joined
  // by join_all() or on destruction. A worker that never finishes (a missed
  // wakeup) hangs the join, and the ctest timeout reports the test.
  class Workers {
   public:
    Workers() = default;
    Workers(const Workers&) = delete;
    Workers& operator=(const Workers&) = delete;
    ~Workers() { join_all(); }

    template <class Body>
    void spawn(ContextId ctx, Body body) {
      threads_.emplace_back([ctx, body = std::move(body)]() mutable {
        Platform::set_current_context(ctx);
        body();
      });
    }

    void join_all() {
      for (std::thread& t : threads_) t.join();
      threads_.clear();
    }

   private:
    std::vector<std::thread> threads_;
  };

  // Holds workers back until `runners` of them have arrived, so that a stress
  // loop starts in every thread at once rather than one thread after another
  // (starting a thread takes longer than many short loops).
  class StartLine {
   public:
    explicit StartLine(int runners) : waiting_(runners) {}
    void arrive_and_wait() {
      // relaxed: only timing; the lock under test orders what matters.
      waiting_.fetch_sub(1, std::memory_order_relaxed);
      while (waiting_.load(std::memory_order_relaxed) > 0) std::this_thread::yield();
    }

   private:
    std::atomic<int> waiting_;
  };

  // A count that workers step each other through rounds with: add() and
  // wait_for_at_least(n). Waiters spin briefly, then sleep on a futex, so
  // that on a machine with fewer cores than workers a waiter does not take
  // the core the thread it waits for needs.
  class Counter {
   public:
    void add() {
      // relaxed: only timing; the lock under test orders what matters.
      value_.fetch_add(1, std::memory_order_relaxed);
      value_.notify_all();
    }
    void wait_for_at_least(int target) const {
      for (int spin = 0; spin < 128; ++spin) {
        if (value_.load(std::memory_order_relaxed) >= target) return;
        Platform::cpu_relax();
      }
      for (int v = value_.load(std::memory_order_relaxed); v < target;
           v = value_.load(std::memory_order_relaxed)) {
        value_.wait(v, std::memory_order_relaxed);
      }
    }

   private:
    std::atomic<int> value_{0};
  };

  // Makes `ctx` the calling thread's current context.
  static void enter(ContextId ctx) { Platform::set_current_context(ctx); }

  // Gives other threads a chance to do something they must not do (enter a
  // lock that is held). Never part of a pass condition on its own: a test
  // that checks "has not entered" after this is only less likely to catch a
  // broken lock when the machine is slow, never flaky on a correct one.
  static void give_others_a_chance() {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  // Returns once done() holds. No deadline: a condition that never comes is
  // a hang, and ctest's per-test timeout turns it into a failure.
  template <class Pred>
  static void wait_until(Pred done) {
    while (!done()) std::this_thread::yield();
  }

  static void relax() { Platform::cpu_relax(); }

  // Called by a critical section of a test while it watches for intruders.
  // Threads are preempted anywhere: nothing to do.
  static void stay_inside() {}

  // Called by a worker that loops back for the write lock at once, so that
  // the readers it shuts out get in sometime. The scheduler's preemption
  // does that here.
  static void let_others_in() {}

  static const char* heavy_barrier_missing_reason() {
    return Platform::heavy_barrier_unavailable_reason();
  }
};

// ---------------------------------------------------------------------------
// The fixture.

// The harness a test of lock L uses. Test bodies say
// `using H = HarnessFor<TypeParam>;` (the fixture cannot provide the alias:
// names from a dependent base are not found unqualified, and redeclaring them
// in the body trips -Wshadow).
template <class L>
using HarnessFor = Harness<typename LockTraits<L>::Platform>;

template <class L>
class LockFixture : public ::testing::Test {
 protected:
  using Traits = LockTraits<L>;

  void SetUp() override {
    if constexpr (Traits::kNeedsHeavyBarrier) {
      if (!Traits::Platform::heavy_barrier_available()) {
        GTEST_SKIP() << Traits::name() << " needs the heavy barrier: "
                     << HarnessFor<L>::heavy_barrier_missing_reason();
      }
    }
    // A simulated lock can only be built inside its simulation (run_body).
    if constexpr (!HarnessFor<L>::kSimulated) lock_.emplace();
  }

  L& lock() { return *lock_; }

  // Runs the body of a LOCK_TEST: in place with this fixture's lock, or on
  // the simulated platform in a simulation of its own, where the lock is
  // built (see Harness<SimPlatform>::simulate).
  template <class Body>
  void run_body() {
    if constexpr (HarnessFor<L>::kSimulated) {
      HarnessFor<L>::template simulate<L>([](L& lock) { Body(lock).run(); });
    } else {
      Body(lock()).run();
    }
  }

  // Registers contexts first .. first + count - 1.
  void register_contexts(ContextId first, ContextId count) {
    for (ContextId c = first; c < first + count; ++c) lock().register_context(c);
  }

 private:
  std::optional<L> lock_;
};

// What the body of a LOCK_TEST sees as `this`: the lock, and
// register_contexts, as a TYPED_TEST on LockFixture sees them.
template <class L>
class LockTestBody {
 public:
  explicit LockTestBody(L& lock) : lock_(lock) {}
  L& lock() { return lock_; }
  void register_contexts(ContextId first, ContextId count) {
    for (ContextId c = first; c < first + count; ++c) lock_.register_context(c);
  }

 private:
  L& lock_;
};

}  // namespace lockscope::tests

// TYPED_TEST(Suite, Name) for a Suite derived from LockFixture, with a body
// that can run on any platform: the body becomes Suite_Name_Body<L>::run(),
// which the TYPED_TEST runs through LockFixture::run_body. In the body,
// TypeParam, this->lock() and this->register_contexts() mean what they mean
// in a TYPED_TEST.
#define LOCK_TEST(Suite, Name)                                                    \
  template <class L>                                                              \
  struct Suite##_##Name##_Body : ::lockscope::tests::LockTestBody<L> {            \
    using ::lockscope::tests::LockTestBody<L>::LockTestBody;                      \
    void run();                                                                   \
  };                                                                              \
  TYPED_TEST(Suite, Name) { this->template run_body<Suite##_##Name##_Body<TypeParam>>(); } \
  template <class TypeParam>                                                      \
  void Suite##_##Name##_Body<TypeParam>::run()
