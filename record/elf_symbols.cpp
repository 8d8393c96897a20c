#include "record/elf_symbols.hpp"

#include <cxxabi.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace lockscope::record {

struct Symbolizer::ElfFile {
  struct Symbol {
    std::uint64_t value = 0;
    std::uint64_t size = 0;
    bool code = false;
    std::string name;
  };
  bool valid = false;
  std::uint64_t min_vaddr = ~std::uint64_t{0};
  std::uint64_t max_vaddr = 0;
  struct Segment {
    std::uint64_t vaddr, offset, filesz;
  };
  std::vector<Segment> loads;
  std::vector<Symbol> symbols;  // sorted by value
};

namespace {

template <typename T>
bool read_struct(std::string_view bytes, std::uint64_t offset, T* out) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
  std::memcpy(out, bytes.data() + offset, sizeof(T));
  return true;
}

// A file's bytes, mapped read-only; empty unless it is a regular file (a
// corrupt recording's maps may name /dev/zero or a FIFO).
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      size_ = static_cast<std::size_t>(st.st_size);
      data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data_ == MAP_FAILED) data_ = nullptr;
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const {
    return data_ != nullptr ? std::string_view(static_cast<const char*>(data_), size_) : std::string_view{};
  }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

// Only headers, section headers, symbol and string tables are read; the
// mapping is dropped once the symbols are copied out.
std::unique_ptr<Symbolizer::ElfFile> load_elf(const std::string& path) {
  auto elf = std::make_unique<Symbolizer::ElfFile>();
  const MappedFile file(path);
  const std::string_view bytes = file.bytes();
  Elf64_Ehdr eh;
  if (!read_struct(bytes, 0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    return elf;
  }
  for (std::uint64_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    if (!read_struct(bytes, eh.e_phoff + i * sizeof(Elf64_Phdr), &ph)) return elf;
    if (ph.p_type != PT_LOAD) continue;
    elf->loads.push_back({ph.p_vaddr, ph.p_offset, ph.p_filesz});
    elf->min_vaddr = std::min(elf->min_vaddr, ph.p_vaddr);
    elf->max_vaddr = std::max(elf->max_vaddr, ph.p_vaddr + ph.p_memsz);
  }
  if (elf->loads.empty()) return elf;
  std::vector<Elf64_Shdr> sections;
  for (std::uint64_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    if (!read_struct(bytes, eh.e_shoff + i * sizeof(Elf64_Shdr), &sh)) break;
    sections.push_back(sh);
  }
  bool have_symtab = std::any_of(sections.begin(), sections.end(),
                                 [](const Elf64_Shdr& s) { return s.sh_type == SHT_SYMTAB; });
  for (const Elf64_Shdr& sh : sections) {
    if (sh.sh_type != (have_symtab ? SHT_SYMTAB : SHT_DYNSYM)) continue;
    if (sh.sh_link >= sections.size() || sh.sh_entsize != sizeof(Elf64_Sym)) continue;
    const Elf64_Shdr& strtab = sections[sh.sh_link];
    if (strtab.sh_offset > bytes.size() || bytes.size() - strtab.sh_offset < strtab.sh_size) continue;
    const std::string_view strings(bytes.data() + strtab.sh_offset, strtab.sh_size);
    for (std::uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      if (!read_struct(bytes, sh.sh_offset + off, &sym)) break;
      const unsigned type = ELF64_ST_TYPE(sym.st_info);
      const bool code = type == STT_FUNC || type == STT_GNU_IFUNC;
      if (!(code || type == STT_OBJECT || type == STT_COMMON) || sym.st_shndx == SHN_UNDEF || sym.st_name == 0 ||
          sym.st_name >= strings.size()) {
        continue;
      }
      const std::string_view rest = strings.substr(sym.st_name);
      std::string name(rest.substr(0, std::min(rest.find('\0'), rest.size())));
      elf->symbols.push_back({sym.st_value, sym.st_size, code, std::move(name)});
    }
  }
  std::sort(elf->symbols.begin(), elf->symbols.end(),
            [](const auto& a, const auto& b) { return a.value < b.value || (a.value == b.value && a.size > b.size); });
  elf->valid = true;
  return elf;
}

}  // namespace

std::string demangle(const std::string& name) {
  if (name.size() < 2 || name[0] != '_' || name[1] != 'Z') return name;
  int status = 0;
  char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (out == nullptr || status != 0) {
    std::free(out);
    return name;
  }
  std::string result(out);
  std::free(out);
  return result;
}

Symbolizer::Symbolizer(std::vector<Mapping> maps) : maps_(std::move(maps)) {}
Symbolizer::~Symbolizer() = default;

const Symbolizer::Loaded* Symbolizer::object_at(std::uint64_t address) {
  if (!objects_built_) {
    objects_built_ = true;
    // One object per file: the bias comes from the mapping of its lowest
    // file offset, whose PT_LOAD says which virtual address that offset has.
    std::map<std::string, const Mapping*> first;
    for (const Mapping& m : maps_) {
      if (m.path.empty() || m.path.front() != '/') continue;
      auto [it, inserted] = first.emplace(m.path, &m);
      if (!inserted && m.offset < it->second->offset) it->second = &m;
    }
    for (const auto& [path, m] : first) {
      auto& file = files_[path];
      if (!file) file = load_elf(path);
      if (!file->valid) continue;
      for (const ElfFile::Segment& seg : file->loads) {
        const std::uint64_t page_offset = seg.offset & ~std::uint64_t{4095};
        if (m->offset < page_offset || m->offset >= seg.offset + seg.filesz + 4096) continue;
        const std::uint64_t vaddr = seg.vaddr - (seg.offset - m->offset);
        const std::uint64_t bias = m->start - vaddr;
        objects_.push_back({file.get(), bias + file->min_vaddr, bias + file->max_vaddr, bias});
        break;
      }
    }
  }
  for (const Loaded& o : objects_) {
    if (address >= o.low && address < o.high) return &o;
  }
  return nullptr;
}

std::string Symbolizer::lookup(std::uint64_t address, bool code) {
  const Loaded* o = object_at(address);
  if (o == nullptr) return {};
  const std::uint64_t a = address - o->bias;
  const auto& symbols = o->file->symbols;
  auto it = std::upper_bound(symbols.begin(), symbols.end(), a,
                             [](std::uint64_t v, const ElfFile::Symbol& s) { return v < s.value; });
  // The nearest symbol at or below `a` of the wanted kind that covers it.
  while (it != symbols.begin()) {
    --it;
    if (it->code != code) continue;
    if (a < it->value + std::max<std::uint64_t>(it->size, 1)) {
      std::string name = demangle(it->name);
      if (!code && a != it->value) name += fmt::format("+{}", a - it->value);
      return name;
    }
    if (a - it->value > (1u << 20)) break;  // far below: no symbol covers the address
  }
  return {};
}

std::string Symbolizer::data_symbol(std::uint64_t address) { return lookup(address, false); }

std::string Symbolizer::function_name(std::uint64_t return_address) {
  return return_address == 0 ? std::string{} : lookup(return_address - 1, true);
}

}  // namespace lockscope::record
