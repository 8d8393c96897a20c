// StressData's checks, one thread playing every part: each kind of overlap
// is seen, and a clean sequence of sections sees none.
#include "engine/stress/stress_data.hpp"

#include <gtest/gtest.h>

namespace lockscope::engine::stress {
namespace {

TEST(StressData, CleanSectionsSeeNothing) {
  StressData data(2);
  data.enter_read(0);
  const ReadCheck before = data.check_read();
  EXPECT_FALSE(before.writer_inside);
  EXPECT_FALSE(before.torn);
  data.leave_read(0);
  const WriteCheck w = data.write(1, [] {});
  EXPECT_FALSE(w.other_writer);
  EXPECT_FALSE(w.reader_inside);
  EXPECT_FALSE(w.torn);
  EXPECT_EQ(data.version(), 1U);
  EXPECT_FALSE(data.check_read().torn);
}

TEST(StressData, WriterSeesAReaderInside) {
  StressData data(2);
  data.enter_read(0);
  EXPECT_TRUE(data.write(1, [] {}).reader_inside);
  data.leave_read(0);
  EXPECT_FALSE(data.write(1, [] {}).reader_inside);
}

TEST(StressData, WriterDoesNotCountItsOwnFlag) {
  StressData data(2);
  data.enter_read(1);
  EXPECT_FALSE(data.write(1, [] {}).reader_inside);
}

TEST(StressData, ReaderInsideAWriteSeesTheWriterAndATornStructure) {
  StressData data(2);
  ReadCheck seen;
  (void)data.write(1, [&] { seen = data.check_read(); });
  EXPECT_TRUE(seen.writer_inside);
  EXPECT_TRUE(seen.torn);
}

TEST(StressData, NestedWritersSeeEachOther) {
  StressData data(2);
  WriteCheck inner;
  const WriteCheck outer = data.write(0, [&] { inner = data.write(1, [] {}); });
  EXPECT_TRUE(inner.other_writer);
  EXPECT_TRUE(inner.torn);  // entered while the outer write was half done
  // The outer writer entered alone and the inner one had left before it
  // counted itself out, so only the words tell it: they changed under it.
  EXPECT_FALSE(outer.other_writer);
  EXPECT_TRUE(outer.torn);
}

}  // namespace
}  // namespace lockscope::engine::stress
