// The knobs of the graph lock, each a point in the lock's history.
//
// Fence
//   full        The seed (QEMU RFC, April 2022; block/graph-lock.c since
//               QEMU 7.2): rdlock and rdunlock each issue smp_mb() between
//               their counter update and their read of has_writer. Readers
//               pay a full fence on every acquire and release.
//   asymmetric  The reader issues only a compiler barrier; the writer pays
//               with membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) after
//               setting has_writer, which runs a full fence on every CPU
//               that currently runs one of our threads. This is liburcu's
//               urcu-memb trick (and Linux's sys_membarrier rationale),
//               applied to the graph lock. Needs the platform's heavy
//               barrier; where membarrier(2) is missing the bench falls back
//               to `full` and says so.
//   none        BROKEN on purpose, for teaching: the reader's fence is left
//               out (a compiler barrier only) and the writer keeps its own.
//               [A] and [B] are then the store-buffering pattern with one
//               side unfenced: under x86-TSO the reader's counter++ can sit
//               in its store buffer while the writer's sum reads zero, and
//               its load of has_writer still reads 0, so both are inside.
//               Sequentially consistent memory never shows it, which is why
//               the simulator's tso mode exists (docs/memory-ordering.md).
//
// UnlockKick
//   if_writer   The seed text: rdunlock kicks the writer only when it reads
//               has_writer == 1.
//   always      QEMU's 2026 missed-wakeup fix: rdunlock kicks every time,
//               because a writer that clears has_writer while it polls
//               (WriterWait::flag_cleared_while_polling) can be asleep with
//               has_writer == 0, and an if_writer reader would then never
//               wake it.
//
// WriterWait
//   flag_held   The seed: wrlock sets has_writer = 1, fences, and waits until
//               the reader sum is zero, with the flag up the whole time.
//   flag_cleared_while_polling
//               QEMU's merged loop: has_writer = 0 while polling (so that
//               callbacks run by the polling loop can take the read lock
//               without deadlocking), then has_writer = 1, fence, and
//               re-check; loop until the re-check reads zero.
//
// Known wrong: UnlockKick::if_writer with WriterWait::flag_cleared_while_polling
// (the missed wakeup QEMU fixed). It compiles, so the simulator's explorer can
// demonstrate the hang; `kKnownCorrect` says which combinations the contract
// tests must pass.
#pragma once

namespace lockscope::lockimpl {

enum class Fence { full, asymmetric, none };
enum class UnlockKick { if_writer, always };
enum class WriterWait { flag_held, flag_cleared_while_polling };

template <Fence F, UnlockKick K, WriterWait W>
struct GraphPolicy {
  static constexpr Fence kFence = F;
  static constexpr UnlockKick kUnlockKick = K;
  static constexpr WriterWait kWriterWait = W;
  static constexpr bool kPaddedCounters = true;
  static constexpr bool kKnownCorrect =
      F != Fence::none && !(K == UnlockKick::if_writer && W == WriterWait::flag_cleared_while_polling);
};

// The six correct combinations by name (the other two, if_writer with
// flag_cleared_while_polling, are the known-wrong missed wakeup and have no
// name). Simulator names in brackets; docs/using-the-locks.md shows them in use.
//
// `graph` (graph:full:if_writer:held): the seed, as the RFC describes it.
using SeedPolicy = GraphPolicy<Fence::full, UnlockKick::if_writer, WriterWait::flag_held>;
// `graph-asym` (graph:asym:if_writer:held): the seed with the reader's fence
// moved to the writer.
using AsymmetricPolicy =
    GraphPolicy<Fence::asymmetric, UnlockKick::if_writer, WriterWait::flag_held>;
// graph:full:always:held: the seed with QEMU's always-kick fix. With the flag
// held the extra kicks are not needed ([D] already catches the writer), so
// they only cost the reader.
using SeedAlwaysKickPolicy = GraphPolicy<Fence::full, UnlockKick::always, WriterWait::flag_held>;
// graph:asym:always:held: graph-asym with the always-kick fix.
using AsymmetricAlwaysKickPolicy =
    GraphPolicy<Fence::asymmetric, UnlockKick::always, WriterWait::flag_held>;
// `graph-qemu` (graph:full:always:polling): what QEMU runs today: polling
// with the flag down, kicking always.
using QemuMergedPolicy =
    GraphPolicy<Fence::full, UnlockKick::always, WriterWait::flag_cleared_while_polling>;
// graph:asym:always:polling: QEMU's merged loop with the asymmetric fence.
using AsymmetricQemuMergedPolicy =
    GraphPolicy<Fence::asymmetric, UnlockKick::always, WriterWait::flag_cleared_while_polling>;

// `graph-nofence` (graph:none:if_writer:held): the seed without the
// reader's fence. Known wrong under TSO; listed as broken wherever locks are.
using NoFencePolicy = GraphPolicy<Fence::none, UnlockKick::if_writer, WriterWait::flag_held>;

static_assert(SeedPolicy::kKnownCorrect && AsymmetricPolicy::kKnownCorrect &&
              SeedAlwaysKickPolicy::kKnownCorrect && AsymmetricAlwaysKickPolicy::kKnownCorrect &&
              QemuMergedPolicy::kKnownCorrect && AsymmetricQemuMergedPolicy::kKnownCorrect &&
              !NoFencePolicy::kKnownCorrect);

// Layout. QEMU keeps each AioContext's reader count unpadded inside a small
// heap-allocated BdrvGraphRWlock (a count and list links), so contexts
// allocated together can share a line. Packed<P> reproduces that: the
// per-context slots sit side by side, several to a line (four on real
// hardware; three in the simulator, whose atomics also carry a line id),
// and readers in neighbouring contexts bounce it: false sharing, in the
// lock itself.
template <class Base>
struct Packed : Base {
  static constexpr bool kPaddedCounters = false;
};

// `graph-packed`: the seed's knobs with QEMU's unpadded layout.
using PackedSeedPolicy = Packed<SeedPolicy>;

}  // namespace lockscope::lockimpl
