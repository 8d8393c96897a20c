// One run, two views of its cacheline table: `lockscope replay` (a child
// process, as a user runs it) prints the table in its summary and its JSON
// from the coherence directory's per-line totals; the GUI's statistics dock
// shows it from the timeline the same run wrote. Both are
// traces/cacheline_table.hpp's rows, so they must agree line by line: name,
// transfers, invalidations, cores, in the same order.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <ostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "gui/app/cacheline_table_view.hpp"
#include "gui/app/statistics_dock.hpp"
#include "tests/engine/cli/run_cli.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::gui {
namespace {

namespace fs = std::filesystem;

struct Row {
  std::string name;
  std::uint64_t transfers = 0;
  std::uint64_t invalidations = 0;
  std::uint64_t cores = 0;
  friend bool operator==(const Row&, const Row&) = default;
};

std::ostream& operator<<(std::ostream& out, const Row& r) {
  return out << r.name << " " << r.transfers << " " << r.invalidations << " " << r.cores;
}

// The JSON summary's "lines" (docs/replay.md).
std::vector<Row> json_rows(const std::string& json) {
  static const std::regex kLine(
      R"re(\{\s*"name":\s*"([^"]*)",\s*"transfers":\s*(\d+),\s*"invalidations":\s*(\d+),\s*"cores":\s*(\d+)\s*\})re");
  std::vector<Row> rows;
  for (auto it = std::sregex_iterator(json.begin(), json.end(), kLine); it != std::sregex_iterator(); ++it) {
    rows.push_back({(*it)[1], std::stoull((*it)[2]), std::stoull((*it)[3]), std::stoull((*it)[4])});
  }
  return rows;
}

// The terminal summary's table: the rows under "shared line" up to the
// first line that is not one, and the count in "... N more lines".
std::vector<Row> text_rows(const std::string& text, std::size_t& more) {
  static const std::regex kLine(R"re(^  (.+?)\s+(\d+)\s+(\d+)\s+(\d+)$)re");
  static const std::regex kMore(R"re(^  \.\.\. (\d+) more lines$)re");
  std::vector<Row> rows;
  more = 0;
  std::istringstream in(text);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("  shared line")) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    std::smatch m;
    if (std::regex_match(line, m, kLine)) {
      rows.push_back({m[1], std::stoull(m[2]), std::stoull(m[3]), std::stoull(m[4])});
      continue;
    }
    if (std::regex_match(line, m, kMore)) more = std::stoull(m[1]);
    break;
  }
  return rows;
}

// What the dock's table holds, in the order the model gives it.
std::vector<Row> dock_rows(const CachelineTableModel& table) {
  std::vector<Row> rows;
  for (int r = 0; r < table.rowCount(); ++r) {
    const auto cell = [&](int column) { return table.data(table.index(r, column)); };
    rows.push_back({cell(CachelineTableModel::kLine).toString().toStdString(),
                    cell(CachelineTableModel::kTransfers).toULongLong(),
                    cell(CachelineTableModel::kInvalidations).toULongLong(),
                    cell(CachelineTableModel::kCoreCount).toULongLong()});
  }
  return rows;
}

TEST(ReplayAgreement, SummaryAndDockGiveTheSameCachelineTable) {
  const fs::path dir = fs::temp_directory_path() / ("lockscope_gui_agreement_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // graph-packed: lines shared by several variables ("a + b"), more than the
  // eight the terminal shows.
  const lockscope::testing::CliRun run = lockscope::testing::run_cli(
      "replay --scenario " LOCKSCOPE_SOURCE_SCENARIOS "/teaching/false-sharing.toml --lock graph-packed "
      "--machine epyc-64 --cores 16 --seed 1 --timeline " +
      (dir / "run.lstl").string() + " --json " + (dir / "run.json").string());
  auto timeline = traces::read_timeline_file(dir / "run.lstl");
  const std::string json = lockscope::testing::slurp(dir / "run.json");
  fs::remove_all(dir);
  ASSERT_EQ(run.status, 0) << run.err;
  ASSERT_TRUE(timeline.has_value()) << timeline.error().to_string();

  StatisticsDock dock;
  dock.set_model(std::make_shared<const TimelineModel>(std::move(*timeline)));
  const std::vector<Row> shown = dock_rows(*dock.cacheline_table()->table());
  const std::vector<Row> from_json = json_rows(json);
  ASSERT_GT(shown.size(), 8U) << "the run should share more lines than the terminal lists";
  EXPECT_EQ(shown, from_json);

  std::size_t more = 0;
  const std::vector<Row> printed = text_rows(run.out, more);
  ASSERT_EQ(printed.size(), 8U) << run.out;
  EXPECT_EQ(printed, std::vector<Row>(shown.begin(), shown.begin() + 8));
  EXPECT_EQ(more, shown.size() - 8);

  // The totals the dock's figures give: every transfer of the run, as the
  // summary's "line transfers".
  std::uint64_t transfers = 0;
  for (const Row& r : shown) transfers += r.transfers;
  std::smatch total;
  ASSERT_TRUE(std::regex_search(json, total, std::regex(R"re("line_transfers":\s*(\d+))re")));
  EXPECT_EQ(transfers, std::stoull(total[1]));
  EXPECT_EQ(dock.stats().transfers, std::stoull(total[1]));
}

}  // namespace
}  // namespace lockscope::gui
