#include "gui/app/compare_locks_view.hpp"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>

namespace lockscope::gui {
namespace {

// A fake `lockscope sweep -o DIR` folder: a tiny results.csv and one plot.
void write_sweep(const QDir& dir) {
  QFile csv(dir.filePath(QStringLiteral("results.csv")));
  ASSERT_TRUE(csv.open(QIODevice::WriteOnly));
  csv.write("lock,cores,ops_per_s\ngraph,1,1e8\ngraph,2,2e8\ncentral,1,9e7\ncentral,2,5e7\n");
  csv.close();
  QImage plot(64, 48, QImage::Format_RGB32);
  plot.fill(Qt::blue);
  ASSERT_TRUE(plot.save(dir.filePath(QStringLiteral("throughput.png"))));
}

TEST(CompareLocksView, ShowsASweepFolder) {
  QTemporaryDir dir;
  write_sweep(QDir(dir.path()));
  CompareLocksView view(QStringLiteral("/nonexistent/lockscope"), QString());
  EXPECT_EQ(view.open_dir(dir.path()), QString());
  // throughput, wait, transfers, results.csv
  ASSERT_EQ(view.tabs()->count(), 4);
  EXPECT_EQ(view.tabs()->tabText(3), QStringLiteral("results.csv"));
  EXPECT_EQ(view.table()->rowCount(), 4);
  EXPECT_EQ(view.table()->columnCount(), 3);
  EXPECT_EQ(view.table()->horizontalHeaderItem(2)->text(), QStringLiteral("ops_per_s"));
  // Opening it again replaces the tabs.
  EXPECT_EQ(view.open_dir(dir.path()), QString());
  EXPECT_EQ(view.tabs()->count(), 4);
}

TEST(CompareLocksView, AFolderWithoutResultsSaysSo) {
  QTemporaryDir dir;
  CompareLocksView view(QStringLiteral("/nonexistent/lockscope"), QString());
  const QString error = view.open_dir(dir.path());
  EXPECT_TRUE(error.contains(QStringLiteral("no results.csv"))) << error.toStdString();
  EXPECT_EQ(view.tabs()->count(), 0);
}

TEST(CompareLocksView, BuildsTheSweepCommandLine) {
  SweepChoice c;
  c.scenario = QStringLiteral("s.toml");
  c.locks = QStringLiteral("graph,central");
  c.machine = QStringLiteral("epyc-64");
  c.cores = QStringLiteral("1,2,4");
  c.jobs = 2;
  c.out = QStringLiteral("/tmp/out");
  EXPECT_EQ(sweep_arguments(c).join(QLatin1Char(' ')),
            QStringLiteral("sweep --scenario s.toml --locks graph,central --machine epyc-64 --cores 1,2,4 -o /tmp/out "
                           "--jobs 2"));
}

}  // namespace
}  // namespace lockscope::gui
