// The locks `lockscope stress` knows: every lock `lockscope bench --list`
// offers, under the same name and in the same order (a test checks it), each
// with the capabilities the soak uses.
#pragma once

#include <span>
#include <string_view>

#include "engine/stress/stress_config.hpp"
#include "engine/stress/stress_runner.hpp"

namespace lockscope::engine::stress {

struct StressEntry {
  std::string_view name;
  bool contexts;   // churn, orphaned and migrating readers
  bool try_locks;  // try_lock / try_lock_shared
  StressResult (*run)(const StressConfig&, const StressHooks&);
  bool broken = false;  // wrong on purpose (bench's LockEntry::broken); not in `--lock all`
};

std::span<const StressEntry> stress_locks();

// nullptr if no lock has that name.
const StressEntry* find_stress_lock(std::string_view name);

}  // namespace lockscope::engine::stress
