// The litmus tests lockscope knows: classic two-core programs on two shared
// variables, x and y, each on a cacheline of its own, with the outcomes each
// can end in and whether x86-TSO (Sewell et al., "x86-TSO: a rigorous and
// usable programmer's model for x86 multiprocessors", CACM 2010) and
// sequential consistency allow each. Names follow herd/litmus7 where they
// have one (SB, MP, LB, 2+2W, R).
//
// The x86-TSO rule in one sentence: each core's stores wait in a FIFO store
// buffer before memory sees them, its own loads read its newest buffered
// store, and mfence or a locked instruction (xchg, lock add) empties the
// buffer first. So a load may pass an earlier store to another address (SB,
// R show it) and nothing else is reordered (MP, LB, 2+2W never show their
// cycles).
//
// Every test observes exactly two values (two registers, or a register and
// a final value, or two final values), so an outcome is a pair and a test
// lists every pair its program can produce under any model.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lockscope::engine::litmus {

enum class TestId : std::uint8_t { sb, sb_fences, sb_fence_po, sb_rmw, mp, lb, two_plus_two_w, r };

// Where an observed value comes from: a register of thread 0 or 1 (each has
// at most two, r0 and r1) or the final value of x or y once both are done.
enum class Slot : std::uint8_t { t0_r0, t0_r1, t1_r0, t1_r1, final_x, final_y };
inline constexpr std::size_t kSlots = 6;

// Everything one run of a test observed, by Slot.
using Observation = std::array<std::uint32_t, kSlots>;

struct Outcome {
  std::array<std::uint32_t, 2> values{};  // of the test's two observed slots
  bool tso_allows = true;
  bool sc_allows = true;
};

struct LitmusTest {
  TestId id;
  std::string_view name;     // what the command line takes: "SB+fences"
  std::string_view summary;  // one line: what it shows
  std::string_view program;  // both threads, one line
  std::array<Slot, 2> observed;
  std::array<std::string_view, 2> labels;  // how an outcome names them: "r1", "r2"
  // Which thread resets x and which resets y between runs. A variable is
  // homed on the thread that reads it, so that the other thread's store to
  // it must take the line away (a store miss). By default the
  // simulator draws the homes per seed instead (sim_runner.hpp).
  std::array<unsigned, 2> home;
  std::vector<Outcome> outcomes;
};

// Every test, in the order the command prints them.
std::span<const LitmusTest> catalogue();

// By name, case-insensitively; nullptr when there is none.
const LitmusTest* find_test(std::string_view name);

// "r1=0 r2=0".
std::string outcome_label(const LitmusTest& test, const Outcome& outcome);

// The index into test.outcomes of what `seen` observed, or
// test.outcomes.size() for a pair the program cannot produce (a bug in the
// platform under test, counted as forbidden everywhere).
std::size_t classify(const LitmusTest& test, const Observation& seen);

}  // namespace lockscope::engine::litmus
