// The litmus programs, each written once as a template over the platform P,
// so the very same code runs on real threads (RealPlatform) and on the
// simulated multicore (SimPlatform, sc or tso).
//
// The accesses are what the test is about, so their orders are the weakest
// that compile to x86's plain instructions: release stores and acquire loads
// are plain `mov`s on x86-64 (no fence), seq_cst fences are mfence-class
// (`lock or`), exchange is `xchg`. Between a store and a later load to
// another address C++ would let the compiler swap them (release-then-acquire
// is not ordered), so the plain variants put P::light_barrier() there: a
// compiler barrier only, nothing on the hardware and nothing on the
// simulator. The programs therefore test the machine, never the compiler.
//
// No labels pair these accesses across threads as a lock's would: a litmus
// test asks which outcomes the machine allows without the pairing, and the
// fenced variants show what the pairing buys (catalogue.hpp lists them).
#pragma once

#include <cstdint>

#include "engine/litmus/catalogue.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::engine::litmus {

// The two shared variables, a line each, so every access is a coherence
// access of its own line on the simulator and no false sharing muddies the
// real run.
template <class P>
struct SharedVars {
  alignas(lockimpl::kCachelineBytes) typename P::template Atomic<std::uint32_t> x{0, lockimpl::LineName{"litmus.x"}};
  alignas(lockimpl::kCachelineBytes) typename P::template Atomic<std::uint32_t> y{0, lockimpl::LineName{"litmus.y"}};

  auto& var(unsigned i) { return i == 0 ? x : y; }
};

struct Registers {
  std::uint32_t r0 = 0;
  std::uint32_t r1 = 0;
};

// One run of `thread`'s half of test `id`.
template <class P>
Registers run_thread(TestId id, unsigned thread, SharedVars<P>& v) {
  using lockimpl::MemoryOrder;
  constexpr MemoryOrder st = MemoryOrder::release;  // a plain mov on x86
  constexpr MemoryOrder ld = MemoryOrder::acquire;  // a plain mov on x86
  auto& mine = thread == 0 ? v.x : v.y;   // SB's store
  auto& theirs = thread == 0 ? v.y : v.x;  // SB's load
  Registers r;
  switch (id) {
    case TestId::sb:
      mine.store(1, st);
      P::light_barrier();  // compiler order only
      r.r0 = theirs.load(ld);
      break;
    case TestId::sb_fences:
      mine.store(1, st);
      P::fence();  // mfence: the store is in memory before the load reads
      r.r0 = theirs.load(ld);
      break;
    case TestId::sb_fence_po:
      mine.store(1, st);
      if (thread == 0) {
        P::fence();  // one side only
      } else {
        P::light_barrier();  // compiler order only
      }
      r.r0 = theirs.load(ld);
      break;
    case TestId::sb_rmw:
      // acq_rel: any locked RMW is `xchg`, a full barrier on x86; the
      // weakest order C++ offers for it.
      (void)mine.exchange(1, MemoryOrder::acq_rel);
      r.r0 = theirs.load(ld);
      break;
    case TestId::mp:
      if (thread == 0) {
        v.x.store(1, st);  // data
        v.y.store(1, st);  // flag
      } else {
        r.r0 = v.y.load(ld);  // flag
        r.r1 = v.x.load(ld);  // data
      }
      break;
    case TestId::lb:
      // A load then a store: acquire keeps the compiler from swapping them.
      r.r0 = mine.load(ld);
      theirs.store(1, st);
      break;
    case TestId::two_plus_two_w:
      if (thread == 0) {
        v.x.store(1, st);
        v.y.store(2, st);
      } else {
        v.y.store(1, st);
        v.x.store(2, st);
      }
      break;
    case TestId::r:
      if (thread == 0) {
        v.x.store(1, st);
        v.y.store(1, st);
      } else {
        v.y.store(2, st);
        P::light_barrier();  // compiler order only
        r.r0 = v.x.load(ld);
      }
      break;
  }
  return r;
}

}  // namespace lockscope::engine::litmus
