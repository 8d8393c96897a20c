// Every ordering label in lockimpl/ has its partner. A lock's header names
// each ordered access in its legend (`//   [A] reader: counter++ ; fence`)
// and says at the access what it pairs with (`// [A] pairs with [B]`); a
// partner that is missing, misspelt or left behind by an edit is an ordering
// argument nobody can check.
//
// The convention this test holds the tree to:
// - A label of one capital letter, optionally with a digit or a prime
//   ([A], [M1], [A']) is local to its file: its partner is defined in the
//   same file, in the legend or by a "[X] pairs with" of its own.
// - A label that pairs across files has a name ([Wctr], [Cctr]) that no file
//   uses for anything else, so one grep finds both ends; the file that
//   defines the partner must pair it back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace lockscope::tests {
namespace {

using Files = std::map<std::string, std::string>;  // name -> text

struct Reference {
  std::string file;
  int line = 0;
  std::string from;  // the label that pairs
  std::string to;    // the partner it names
};

struct LabelIndex {
  std::map<std::string, std::set<std::string>> defined;  // file -> labels
  std::vector<Reference> references;
};

const std::string kLabel = R"(\[([A-Za-z][A-Za-z0-9']{0,7})\])";

std::vector<std::string> labels_in(const std::string& text) {
  static const std::regex label(kLabel);
  std::vector<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), label), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

// Reads "[X] pairs with [Y] and [Z]" (several per line, split at ';') and
// legend entries ("//   [X] what it is. Pairs with [Y]", where a "Pairs
// with" on the entry's continuation lines belongs to the entry).
LabelIndex index_labels(const Files& files) {
  static const std::regex legend_entry(R"(^\s*//\s+)" + kLabel);
  static const std::regex statement("((?:" + kLabel + R"(\s*/?\s*)+)[Pp]airs with(.*))");
  static const std::regex bare(R"([Pp]airs with(.*))");
  LabelIndex index;
  for (const auto& [name, text] : files) {
    std::set<std::string>& defined = index.defined[name];
    std::istringstream lines(text);
    std::string line;
    std::string entry;  // the legend entry a comment line continues
    for (int n = 1; std::getline(lines, line); ++n) {
      std::smatch m;
      if (std::regex_search(line, m, legend_entry)) {
        entry = m[1];
        defined.insert(entry);
      } else if (line.find("//") == std::string::npos || line.find("//") != line.find_first_not_of(" \t")) {
        entry.clear();  // code, or code with a trailing comment: the legend is over
      }
      std::istringstream pieces(line);
      for (std::string piece; std::getline(pieces, piece, ';');) {
        std::vector<std::string> from;
        std::string rest;
        if (std::regex_search(piece, m, statement)) {
          from = labels_in(m[1]);
          rest = m[m.size() - 1];
        } else if (!entry.empty() && std::regex_search(piece, m, bare)) {
          from = {entry};
          rest = m[1];
        } else {
          continue;
        }
        for (const std::string& x : from) {
          defined.insert(x);
          for (const std::string& y : labels_in(rest)) index.references.push_back({name, n, x, y});
        }
      }
    }
  }
  return index;
}

bool is_file_local(const std::string& label) {
  return label.size() == 1 || (label.size() == 2 && (std::isdigit(static_cast<unsigned char>(label[1])) != 0 ||
                                                     label[1] == '\''));
}

bool pairs_back(const LabelIndex& index, const std::string& file, const std::string& from, const std::string& to) {
  for (const Reference& r : index.references) {
    if (r.file == file && r.from == from && r.to == to) return true;
  }
  return false;
}

// One message per reference whose partner cannot be found.
std::vector<std::string> unpaired(const LabelIndex& index) {
  std::vector<std::string> problems;
  for (const Reference& r : index.references) {
    if (index.defined.at(r.file).contains(r.to)) continue;
    const std::string where = r.file + ":" + std::to_string(r.line) + ": [" + r.from + "] pairs with [" + r.to + "]";
    if (is_file_local(r.to)) {
      problems.push_back(where + ", which this file does not define (one-letter labels are file-local)");
      continue;
    }
    bool found = false;
    for (const auto& [other, labels] : index.defined) {
      if (other == r.file || !labels.contains(r.to)) continue;
      found = true;
      if (!pairs_back(index, other, r.to, r.from)) {
        problems.push_back(where + ", but " + other + " defines [" + r.to + "] without pairing it with [" + r.from +
                           "]");
      }
    }
    if (!found) problems.push_back(where + ", which no file defines");
  }
  return problems;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(PairingLabels, EveryLabelInLockimplHasItsPartner) {
  Files files;
  for (const auto& entry : std::filesystem::directory_iterator(LOCKSCOPE_SOURCE_DIR "/lockimpl")) {
    if (entry.path().extension() == ".hpp") files[entry.path().filename().string()] = read_text(entry.path());
  }
  ASSERT_GT(files.size(), 10U) << "lockimpl/ not found from " << LOCKSCOPE_SOURCE_DIR;
  const LabelIndex index = index_labels(files);
  // The reader must see the labels at all, or the check below passes on nothing.
  EXPECT_GT(index.references.size(), 150U);
  EXPECT_TRUE(index.defined.at("graph_lock.hpp").contains("A"));
  EXPECT_TRUE(pairs_back(index, "context_counters.hpp", "Wctr", "Cctr"));
  for (const std::string& problem : unpaired(index)) ADD_FAILURE() << problem;
}

TEST(PairingLabels, AOneLetterPartnerMustBeInTheSameFile) {
  const Files files{{"a.hpp", "x.store(1, memory_order_release);  // [A] pairs with [B]\n"},
                    {"b.hpp", "//   [B] the reader's load\n"}};
  const std::vector<std::string> problems = unpaired(index_labels(files));
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_NE(problems[0].find("a.hpp:1: [A] pairs with [B]"), std::string::npos) << problems[0];
}

TEST(PairingLabels, ANamedLabelPairsAcrossFilesOnlyIfItsPartnerPairsBack) {
  const Files paired{{"counters.hpp", "sum += c.load(memory_order_acquire);  // [Wx] pairs with [Cx]\n"},
                     {"lock.hpp", "c.fetch_sub(1, memory_order_release);  // [Cx] pairs with [Wx]\n"}};
  EXPECT_TRUE(unpaired(index_labels(paired)).empty());

  const Files one_sided{{"counters.hpp", "sum += c.load(memory_order_acquire);  // [Wx] pairs with [Cx]\n"},
                        {"lock.hpp", "c.fetch_sub(1, memory_order_release);  // [Cx] pairs with [Qx]\n"}};
  // Both ends are wrong: Wx's partner does not pair back, and Qx is nowhere.
  EXPECT_EQ(unpaired(index_labels(one_sided)).size(), 2U);
}

TEST(PairingLabels, ALegendEntrysContinuationLinesBelongToIt) {
  const Files files{{"a.hpp",
                     "//   [E] wrunlock: flag = 0 with release.\n"
                     "//       Pairs with [F], the reader's load.\n"
                     "int x;\n"
                     "//   [G] something else\n"}};
  const std::vector<std::string> problems = unpaired(index_labels(files));
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_NE(problems[0].find("[E] pairs with [F]"), std::string::npos) << problems[0];
}

}  // namespace
}  // namespace lockscope::tests
