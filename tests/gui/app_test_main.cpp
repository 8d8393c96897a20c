// main() for the widget tests: one QApplication (offscreen unless a
// platform is given) around GoogleTest. Runs and sweeps started by the
// panels write to a cache folder: a temporary one here, removed at the end.
#include <gtest/gtest.h>

#include <QApplication>
#include <QTemporaryDir>
#include <cstdlib>

int main(int argc, char** argv) {
  if (std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  QTemporaryDir cache;
  setenv("XDG_CACHE_HOME", cache.path().toLocal8Bit().constData(), 1);
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
