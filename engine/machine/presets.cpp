#include "engine/machine/presets.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <utility>

#include "engine/machine/published_presets.hpp"

namespace lockscope::engine::machine {

namespace {

// A symmetric machine from a group name per core and a latency per pair
// (called with i < j only).
template <class GroupOf, class Latency>
Machine generate(const MachineParameters& p, unsigned n, GroupOf group_of, Latency latency) {
  std::vector<std::string> groups;
  groups.reserve(n);
  for (unsigned i = 0; i < n; ++i) groups.push_back(group_of(i));
  std::vector<double> lat(static_cast<std::size_t>(n) * n, p.l1_hit_ns);
  for (unsigned i = 0; i < n; ++i) {
    for (unsigned j = i + 1; j < n; ++j) {
      const double v = latency(i, j);
      lat[static_cast<std::size_t>(i) * n + j] = v;
      lat[static_cast<std::size_t>(j) * n + i] = v;
    }
  }
  return make_machine(p, std::move(groups), std::move(lat));
}

unsigned distance(unsigned a, unsigned b) { return a > b ? a - b : b - a; }

// Hops on a width-wide mesh between positions a and b (row-major).
unsigned mesh_hops(unsigned a, unsigned b, unsigned width) {
  return distance(a % width, b % width) + distance(a / width, b / width);
}

// laptop-8: one die, eight cores on a ring (Intel client parts). The
// i9-9900K matrix spans 17.4-24.5 ns between physical cores, median 21 ns.
Machine laptop_8() {
  MachineParameters p;
  p.name = "laptop-8";
  p.description = "one die, 8 cores on a ring (Coffee Lake class): 18.5-23 ns between any two";
  p.clock_ghz = 4.0;
  p.l1_hit_ns = 1.0;  // 4 cycles
  p.memory_ns = 80;
  p.fence_ns = 6;
  p.heavy_barrier_ns = 1500;
  return generate(p, 8, [](unsigned) { return std::string("die0"); },
                  [](unsigned i, unsigned j) {
                    const unsigned d = distance(i, j);
                    return 17.0 + 1.5 * std::min(d, 8 - d);  // ring stops apart: 1..4
                  });
}

// ryzen-16: two CCDs of eight (Zen 3, Ryzen 9 5950X): 17 ns inside, 85 across.
Machine ryzen_16() {
  MachineParameters p;
  p.name = "ryzen-16";
  p.description = "2 CCDs x 8 cores (Zen 3 desktop): ~16-18 ns inside a CCD, ~84-86 ns across";
  p.clock_ghz = 4.5;
  p.l1_hit_ns = 0.9;  // 4 cycles
  p.memory_ns = 78;
  p.fence_ns = 6;
  p.heavy_barrier_ns = 1500;
  return generate(p, 16, [](unsigned i) { return fmt::format("ccd{}", i / 8); },
                  [](unsigned i, unsigned j) {
                    const unsigned a = i % 8;
                    const unsigned b = j % 8;
                    if (i / 8 == j / 8) return 16.0 + 0.25 * distance(a, b);
                    return 84.0 + 0.5 * ((a + b) % 5);
                  });
}

// epyc-64: eight CCX of eight cores behind one I/O die (Zen 3 Milan). Cross-CCX
// transfers are a little slower between the two halves of the I/O die, as in
// the EPYC 7773X and 7R13 matrices.
Machine epyc_64() {
  MachineParameters p;
  p.name = "epyc-64";
  p.description =
      "8 CCX x 8 cores (Zen 3 EPYC): 22-25 ns inside a CCX, 94-109 ns across (slower across "
      "I/O-die halves)";
  p.clock_ghz = 3.5;
  p.l1_hit_ns = 1.15;  // 4 cycles
  p.memory_ns = 120;
  p.fence_ns = 7;
  p.heavy_barrier_ns = 4000;
  return generate(p, 64, [](unsigned i) { return fmt::format("ccx{}", i / 8); },
                  [](unsigned i, unsigned j) {
                    const unsigned a = i % 8;
                    const unsigned b = j % 8;
                    if (i / 8 == j / 8) return 22.0 + 0.4 * distance(a, b);
                    const double base = (i / 32 == j / 32) ? 94.0 : 106.0;
                    return base + 0.5 * ((a + b) % 7);
                  });
}

// xeon-2s-56: two sockets of 28 cores on a 7 x 4 mesh (Skylake-SP / Cascade
// Lake). In a socket the latency grows with mesh hops; across sockets with the
// hops from each core to the UPI stop (put at mesh position 0).
Machine xeon_2s_56() {
  MachineParameters p;
  p.name = "xeon-2s-56";
  p.description =
      "2 sockets x 28 cores on a mesh (Cascade Lake class): 41-51 ns in a socket, 126-135 ns "
      "across";
  p.clock_ghz = 2.7;
  p.l1_hit_ns = 1.5;  // 4 cycles
  p.memory_ns = 90;
  p.fence_ns = 10;
  p.heavy_barrier_ns = 5000;
  return generate(p, 56, [](unsigned i) { return fmt::format("socket{}", i / 28); },
                  [](unsigned i, unsigned j) {
                    const unsigned a = i % 28;
                    const unsigned b = j % 28;
                    if (i / 28 == j / 28) return 40.0 + 1.2 * mesh_hops(a, b, 7);
                    return 126.0 + 0.5 * (mesh_hops(a, 0, 7) + mesh_hops(b, 0, 7));
                  });
}

// mesh-1024: a synthetic scale-test machine. Sixteen sockets of 64 cores
// (8 x 8 mesh), four sockets per board; boards joined by node controllers.
// In a socket 41-54 ns; same board 135-142 ns; across boards 295-332 ns.
Machine mesh_1024() {
  MachineParameters p;
  p.name = "mesh-1024";
  p.description =
      "synthetic: 4 boards x 4 sockets x 64 cores (8x8 mesh): 41-54 ns in a socket, 135-142 ns "
      "on a board, 295-332 ns across boards";
  p.clock_ghz = 2.5;
  p.l1_hit_ns = 1.6;  // 4 cycles
  p.memory_ns = 140;
  p.fence_ns = 12;
  p.heavy_barrier_ns = 20000;
  return generate(p, 1024, [](unsigned i) { return fmt::format("socket{}", i / 64); },
                  [](unsigned i, unsigned j) {
                    const unsigned a = i % 64;
                    const unsigned b = j % 64;
                    const unsigned si = i / 64;
                    const unsigned sj = j / 64;
                    if (si == sj) return 40.0 + 1.0 * mesh_hops(a, b, 8);
                    const double to_links = 0.25 * (mesh_hops(a, 0, 8) + mesh_hops(b, 0, 8));
                    if (si / 4 == sj / 4) return 135.0 + to_links;
                    return 280.0 + 15.0 * distance(si / 4, sj / 4) + to_links;
                  });
}

struct PresetEntry {
  std::string_view name;
  Machine (*make)();
};

constexpr std::array kPresets = {
    PresetEntry{"laptop-8", laptop_8},     PresetEntry{"ryzen-16", ryzen_16},
    PresetEntry{"epyc-64", epyc_64},       PresetEntry{"xeon-2s-56", xeon_2s_56},
    PresetEntry{"mesh-1024", mesh_1024},
    // Rebuilt from a published study (published_presets.hpp).
    PresetEntry{"xeon-80-sosp13", xeon_80_sosp13},
};

constexpr std::array<std::string_view, kPresets.size()> kPresetNames = [] {
  std::array<std::string_view, kPresets.size()> names{};
  for (std::size_t i = 0; i < kPresets.size(); ++i) names[i] = kPresets[i].name;
  return names;
}();

}  // namespace

std::span<const std::string_view> preset_names() { return kPresetNames; }

std::expected<Machine, std::string> preset(std::string_view name) {
  for (const PresetEntry& e : kPresets) {
    if (e.name == name) return e.make();
  }
  return std::unexpected(fmt::format("unknown machine preset '{}' (presets: {})", name,
                                     fmt::join(kPresetNames, ", ")));
}

Machine uniform_topology(const MachineParameters& p, unsigned groups, unsigned cores_per_group,
                         double near_ns, double far_ns, std::string_view group_prefix) {
  return generate(
      p, groups * cores_per_group,
      [&](unsigned i) { return fmt::format("{}{}", group_prefix, i / cores_per_group); },
      [&](unsigned i, unsigned j) {
        return i / cores_per_group == j / cores_per_group ? near_ns : far_ns;
      });
}

}  // namespace lockscope::engine::machine
