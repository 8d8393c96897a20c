// Names for addresses of a recorded process: the symbol that contains a
// lock's address ("cache_lock", "stats+64") and the function that contains
// a callsite ("worker(void*)"). The process's /proc/PID/maps (kept in the
// recording) says which file is mapped where; each ELF64 file's .symtab
// (or, when stripped, .dynsym) is parsed by hand with <elf.h>'s structs,
// bounds-checked, since a file may have changed since the recording. C++
// names are demangled. Addresses in the heap, on a stack or in a file
// without symbols get an empty name.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "record/proc_maps.hpp"

namespace lockscope::record {

class Symbolizer {
 public:
  explicit Symbolizer(std::vector<Mapping> maps);
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // The data object containing `address`: "name" or "name+offset"; empty if none.
  [[nodiscard]] std::string data_symbol(std::uint64_t address);
  // The function containing the code at `address` (a return address: the
  // call instruction just before it is looked up); empty if none.
  [[nodiscard]] std::string function_name(std::uint64_t return_address);

  struct ElfFile;

 private:
  struct Loaded {
    const ElfFile* file = nullptr;
    std::uint64_t low = 0;   // the object's address range in the process
    std::uint64_t high = 0;
    std::uint64_t bias = 0;  // process address - ELF virtual address
  };
  const Loaded* object_at(std::uint64_t address);
  std::string lookup(std::uint64_t address, bool code);

  std::vector<Mapping> maps_;
  std::vector<Loaded> objects_;
  bool objects_built_ = false;
  std::map<std::string, std::unique_ptr<ElfFile>> files_;
};

// The demangled form of a C++ symbol name; other names unchanged.
[[nodiscard]] std::string demangle(const std::string& name);

}  // namespace lockscope::record
