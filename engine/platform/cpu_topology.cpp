#include "engine/platform/cpu_topology.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

namespace lockscope::engine::platform {
namespace {

namespace fs = std::filesystem;

// The first line of a small sysfs file, or "" if it cannot be read.
std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  return line;
}

// N for a directory named cpuN, or -1.
int cpu_number(const std::string& name) {
  if (!name.starts_with("cpu") || name.size() == 3 || name.size() > 9) return -1;
  int n = 0;
  for (std::size_t i = 3; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    n = n * 10 + (name[i] - '0');
  }
  return n;
}

// What identifies cpu's L3 ("" when sysfs describes none).
std::string l3_key(const fs::path& cpu) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(cpu / "cache", ec)) {
    if (!e.path().filename().string().starts_with("index")) continue;
    if (first_line(e.path() / "level") != "3") continue;
    const std::string id = first_line(e.path() / "id");
    return id.empty() ? "cpus " + first_line(e.path() / "shared_cpu_list") : "id " + id;
  }
  return "";
}

// Dense indices for keys, in order of first appearance; returns the count.
std::uint32_t renumber(const std::vector<std::string>& keys, std::vector<std::uint32_t>& out) {
  std::map<std::string, std::uint32_t> index;
  out.clear();
  for (const std::string& k : keys) {
    out.push_back(index.try_emplace(k, static_cast<std::uint32_t>(index.size())).first->second);
  }
  return std::max<std::uint32_t>(static_cast<std::uint32_t>(index.size()), 1);
}

}  // namespace

CpuTopology read_cpu_topology(const std::string& cpu_dir) {
  std::map<int, fs::path> cpus;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(cpu_dir, ec)) {
    const int n = cpu_number(e.path().filename().string());
    if (n >= 0) cpus.emplace(n, e.path());
  }
  CpuTopology t;
  if (cpus.empty()) return t;
  const auto count = static_cast<std::size_t>(cpus.rbegin()->first) + 1;
  // A CPU sysfs does not describe gets the first CPU's keys: node 0.
  std::vector<std::string> sockets(count);
  std::vector<std::string> caches(count);
  // Unlike a node, a shared core is a claim: an undescribed CPU has its own.
  std::vector<std::string> cores(count);
  for (std::size_t i = 0; i < count; ++i) cores[i] = "cpu " + std::to_string(i);
  for (const auto& [n, path] : cpus) {
    const std::string socket = "socket " + first_line(path / "topology" / "physical_package_id");
    const std::string l3 = l3_key(path);
    const std::string core = first_line(path / "topology" / "core_id");
    sockets[static_cast<std::size_t>(n)] = socket;
    caches[static_cast<std::size_t>(n)] = l3.empty() ? socket : l3;
    if (!core.empty()) cores[static_cast<std::size_t>(n)] = socket + " core " + core;
  }
  const auto first = static_cast<std::size_t>(cpus.begin()->first);
  for (std::size_t i = 0; i < count; ++i) {
    if (cpus.contains(static_cast<int>(i))) continue;
    sockets[i] = sockets[first];
    caches[i] = caches[first];
  }
  t.sockets = renumber(sockets, t.socket_of);
  t.caches = renumber(caches, t.cache_of);
  (void)renumber(cores, t.core_of);
  return t;
}

bool under_hypervisor(const std::string& cpuinfo) {
  std::ifstream in(cpuinfo);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("flags")) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    for (std::string flag; words >> flag;) {
      if (flag == "hypervisor") return true;
    }
    return false;
  }
  return false;
}

}  // namespace lockscope::engine::platform
