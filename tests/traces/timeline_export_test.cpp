#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "traces/paje_export.hpp"
#include "traces/perfetto_export.hpp"
#include "traces/timeline_csv.hpp"

namespace lockscope::traces {
namespace {

namespace fs = std::filesystem;

// Two workers bouncing a counter line; worker 1 writes while worker 0 reads
// first. Times in ps.
Timeline bouncing() {
  Timeline t;
  t.lock = "graph";
  t.machine = "epyc-64";
  t.cores = 4;
  t.seed = 3;
  t.origin = "test";
  t.end_time = 10'000'000;
  t.workers = {
      {"worker 0",
       0,
       {{0, 1000, WorkerState::running},
        {1000, 1500, WorkerState::waiting_read},
        {1500, 4000, WorkerState::reading},
        {4000, 10'000'000, WorkerState::running}}},
      {"worker \"1\"",
       3,
       {{0, 2000, WorkerState::running},
        {2000, 2100, WorkerState::waiting_write},
        {2100, 4100, WorkerState::draining},
        {4100, 9000, WorkerState::writing},
        {9000, 10'000'000, WorkerState::running}}},
  };
  t.lines = {{"graph.ctx[0].readers"}, {"graph.has_writer, list"}, {"never moved"}};
  t.transfers = {
      {1000, 1100, 0, -1, 0, TransferKind::fill},
      {2000, 2080, 1, 0, 3, TransferKind::ownership},
      {2150, 2230, 0, 0, 3, TransferKind::read_share},
      {5000, 5001, 0, 3, 0, TransferKind::invalidation},  // worker 0 is running then
  };
  t.counters = {{"readers_inside", {{1500, 1}, {4000, 0}}}, {"writers_waiting", {{2000, 1}, {4100, 0}}}};
  return t;
}

std::string perfetto(const Timeline& t, const PerfettoOptions& o = {}) {
  std::ostringstream out;
  write_perfetto(out, t, o);
  return out.str();
}

std::string paje(const Timeline& t) {
  std::ostringstream out;
  write_paje(out, t);
  return out.str();
}

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

bool has_command(const char* name) {
  return std::system(("command -v " + std::string(name) + " >/dev/null 2>&1").c_str()) == 0;
}

// A file under a per-process temporary directory, removed with it.
class TempDir {
 public:
  TempDir() : dir_(fs::temp_directory_path() / ("lockscope-export-test-" + std::to_string(getpid()))) {
    fs::create_directories(dir_);
  }
  ~TempDir() { fs::remove_all(dir_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  [[nodiscard]] const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Perfetto, WritesProcessesThreadsAndSpans) {
  const std::string json = perfetto(bouncing());
  EXPECT_EQ(json.rfind("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"lockscope\",\"lock\":\"graph\"", 0),
            0U);
  EXPECT_NE(json.find(R"j({"ph":"M","pid":1,"name":"process_name","args":{"name":"epyc-64: graph"}})j"),
            std::string::npos);
  EXPECT_NE(json.find(R"j({"ph":"M","pid":1,"tid":1,"name":"thread_name","args":{"name":"worker 0 (core 0)"}})j"),
            std::string::npos);
  EXPECT_NE(json.find(R"j({"ph":"M","pid":1,"tid":2,"name":"thread_name","args":{"name":"worker \"1\" (core 3)"}})j"),
            std::string::npos);
  EXPECT_NE(json.find(R"j({"ph":"M","pid":1,"tid":2,"name":"thread_sort_index","args":{"sort_index":1}})j"),
            std::string::npos);
  EXPECT_NE(json.find(R"j({"ph":"X","pid":1,"tid":1,"ts":0.0015,"dur":0.0025,"name":"reading","cat":"state"})j"),
            std::string::npos);
  EXPECT_NE(json.find(R"j({"ph":"X","pid":1,"tid":2,"ts":0.0041,"dur":0.0049,"name":"writing","cat":"state"})j"),
            std::string::npos);
  EXPECT_EQ(count(json, "\"cat\":\"state\""), 5U);  // the running spans are left out
  EXPECT_EQ(json.find("\"running\""), std::string::npos);
  EXPECT_EQ(json.substr(json.size() - 4), "\n]}\n");
}

// A tso run: each core's stores on tracks of a `store buffers` process (a
// second track where two overlap), each violation a global instant event.
TEST(Perfetto, StoreBuffersAndViolations) {
  Timeline t = bouncing();
  t.buffered_stores = {{1000, 3000, 0, 0, 1}, {2000, 2500, 0, 0, ~std::uint64_t{0}}, {2600, kNeverVisible, 0, 0, 5}};
  t.violations = {{4500, 0, 1, 0}};
  const std::string json = perfetto(t);
  EXPECT_NE(json.find(R"j({"ph":"M","pid":3,"name":"process_name","args":{"name":"store buffers"}})j"), std::string::npos);
  EXPECT_NE(json.find(R"j("name":"thread_name","args":{"name":"c0 store buffer"})j"), std::string::npos);
  EXPECT_NE(json.find(R"j("name":"thread_name","args":{"name":"c0 store buffer 2"})j"), std::string::npos) << json;
  const std::string line = t.lines[0].name;
  EXPECT_NE(json.find(R"j({"ph":"X","pid":3,"tid":1,"ts":0.001,"dur":0.002,"name":")j" + line + " = 1\""),
            std::string::npos) << json;
  EXPECT_NE(json.find(R"j({"ph":"X","pid":3,"tid":2,"ts":0.002,"dur":0.0005,"name":")j" + line + " = -1\""),
            std::string::npos) << json;
  EXPECT_NE(json.find(R"j({"ph":"X","pid":3,"tid":2,"ts":0.0026,)j"), std::string::npos) << "the second track is free again at 2.6 ns";
  EXPECT_NE(json.find(R"j("visible":false)j"), std::string::npos);
  EXPECT_NE(json.find(R"j({"ph":"i","pid":1,"tid":2,"ts":0.0045,"s":"g","name":"mutual exclusion violated","cat":"violation")j"),
            std::string::npos) << json;
  // Without them, nothing of either.
  const std::string plain = perfetto(bouncing());
  EXPECT_EQ(plain.find("store buffers"), std::string::npos);
  EXPECT_EQ(plain.find("violation"), std::string::npos);
}

TEST(Perfetto, RunningSpansAreOptional) {
  PerfettoOptions o;
  o.include_running = true;
  const std::string json = perfetto(bouncing(), o);
  EXPECT_EQ(count(json, "\"cat\":\"state\""), 9U);
  EXPECT_NE(json.find(R"j("ts":0.004,"dur":9.996,"name":"running")j"), std::string::npos);
}

TEST(Perfetto, TimesAreExactMicroseconds) {
  Timeline t;
  t.cores = 1;
  t.workers = {{"w",
                0,
                {{1, 2, WorkerState::reading},
                 {123'456'789'012, 123'457'000'000, WorkerState::writing},
                 {5'000'000'000'000'000'000ULL, 5'000'000'000'000'000'001ULL, WorkerState::draining}}}};
  const std::string json = perfetto(t);
  EXPECT_NE(json.find(R"j("ts":0.000001,"dur":0.000001,)j"), std::string::npos) << json;
  EXPECT_NE(json.find(R"j("ts":123456.789012,"dur":0.210988,)j"), std::string::npos) << json;
  EXPECT_NE(json.find(R"j("ts":5000000000000,"dur":0.000001,)j"), std::string::npos) << json;
}

TEST(Perfetto, TransfersAreSlicesOnLineTracks) {
  const std::string json = perfetto(bouncing());
  EXPECT_NE(json.find(R"j({"ph":"M","pid":2,"name":"process_name","args":{"name":"cachelines"}})j"), std::string::npos);
  EXPECT_NE(json.find(R"j({"ph":"M","pid":2,"tid":2,"name":"thread_name","args":{"name":"graph.has_writer, list"}})j"),
            std::string::npos);
  EXPECT_EQ(json.find("never moved"), std::string::npos);
  EXPECT_NE(json.find(R"j({"ph":"X","pid":2,"tid":1,"ts":0.001,"dur":0.0001,"name":"fill mem->c0","cat":"transfer",)j"
                      R"j("args":{"line":"graph.ctx[0].readers","from":-1,"to":0}})j"),
            std::string::npos);
  EXPECT_NE(json.find(R"j("name":"ownership c0->c3")j"), std::string::npos);
  EXPECT_EQ(count(json, "\"cat\":\"transfer\",\"args\""), 4U);
}

TEST(Perfetto, FlowsJoinSourceAndDestinationWorkers) {
  const std::string json = perfetto(bouncing());
  // ownership c0 -> c3: from worker 0 (reading) to worker 1 (waiting to write).
  EXPECT_NE(json.find(R"j({"ph":"s","pid":1,"tid":1,"ts":0.002,"id":2,"name":"line transfer","cat":"transfer"})j"),
            std::string::npos);
  EXPECT_NE(json.find(R"j({"ph":"f","pid":1,"tid":2,"ts":0.00208,"id":2,"name":"line transfer","cat":"transfer",)j"
                      R"j("bp":"e"})j"),
            std::string::npos);
  // A fill from memory starts on its line track.
  EXPECT_NE(json.find(R"j({"ph":"s","pid":2,"tid":1,"ts":0.001,"id":1,)j"), std::string::npos);
  // The invalidation lands on worker 0 while it runs, which is not exported.
  EXPECT_EQ(json.find("\"id\":4"), std::string::npos);
  EXPECT_EQ(count(json, "\"ph\":\"s\""), 3U);
  EXPECT_EQ(count(json, "\"ph\":\"f\""), 3U);

  PerfettoOptions with_running;
  with_running.include_running = true;
  EXPECT_EQ(count(perfetto(bouncing(), with_running), "\"ph\":\"f\""), 4U);
  PerfettoOptions no_flows;
  no_flows.include_flows = false;
  EXPECT_EQ(count(perfetto(bouncing(), no_flows), "\"ph\":\"s\""), 0U);
}

TEST(Perfetto, CountersAreCounterEvents) {
  const std::string json = perfetto(bouncing());
  EXPECT_NE(json.find(R"j({"ph":"C","pid":1,"name":"readers_inside","ts":0.0015,"args":{"value":1}})j"),
            std::string::npos);
  EXPECT_EQ(count(json, "\"ph\":\"C\""), 4U);
}

TEST(Perfetto, IsDeterministic) { EXPECT_EQ(perfetto(bouncing()), perfetto(bouncing())); }

TEST(Perfetto, IsWellFormedJson) {
  if (!has_command("python3")) GTEST_SKIP() << "python3 is not installed";
  TempDir dir;
  Timeline odd = bouncing();
  odd.lock = "tab\tnewline\nquote\"backslash\\ctrl\x01 \xc3\xa9";
  odd.workers[0].name = odd.lock;
  odd.lines[0].name = odd.lock;
  PerfettoOptions all;
  all.include_running = true;
  for (const auto& [name, text] : {std::pair{"default.json", perfetto(bouncing())},
                                   std::pair{"odd.json", perfetto(odd, all)}, std::pair{"empty.json", perfetto({})}}) {
    const fs::path p = dir.write(name, text);
    const std::string cmd =
        "python3 -c \"import json,sys; json.load(open(sys.argv[1], encoding='utf-8'))\" '" + p.string() + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << name << ":\n" << text;
  }
}

TEST(Paje, DefinesEveryEventItUses) {
  const std::string text = paje(bouncing());
  for (const char* def :
       {"%EventDef PajeDefineContainerType 0", "%EventDef PajeDefineStateType 1", "%EventDef PajeDefineLinkType 2",
        "%EventDef PajeDefineVariableType 3", "%EventDef PajeDefineEntityValue 4", "%EventDef PajeCreateContainer 5",
        "%EventDef PajeDestroyContainer 6", "%EventDef PajePushState 7", "%EventDef PajePopState 8",
        "%EventDef PajeStartLink 9", "%EventDef PajeEndLink 10", "%EventDef PajeSetVariable 11"}) {
    EXPECT_NE(text.find(def), std::string::npos) << def;
  }
  EXPECT_NE(text.find("4 s1 WS \"reading\" \"0.20 0.65 0.25\"\n"), std::string::npos);
  EXPECT_NE(text.find("5 0 m M 0 \"epyc-64: graph\"\n"), std::string::npos);
  EXPECT_NE(text.find("5 0 w1 W c3 \"worker '1'\"\n"), std::string::npos);
  EXPECT_NE(text.find("5 0 l1 L m \"graph.has_writer, list\"\n"), std::string::npos);
  EXPECT_EQ(text.find("never moved"), std::string::npos);
  EXPECT_NE(text.find("7 0.0015 w0 WS s1\n"), std::string::npos);       // reading begins
  EXPECT_NE(text.find("9 0.002 m LT c0 lt1 k1\n"), std::string::npos);  // ownership c0 -> c3
  EXPECT_NE(text.find("10 0.00208 m LT c3 lt1 k1\n"), std::string::npos);
  EXPECT_NE(text.find("7 0.002 l1 LS ls1\n"), std::string::npos);
  EXPECT_NE(text.find("9 0.001 m LM mem lm3 k0\n"), std::string::npos);  // fill from memory
  EXPECT_NE(text.find("11 0.0015 m V0 1\n"), std::string::npos);
  EXPECT_NE(text.find("6 10 M m\n"), std::string::npos);
}

TEST(Paje, EventsAreInTimeOrder) {
  std::istringstream in(paje(bouncing()));
  std::string line;
  double last = 0;
  int body = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '%' || line[0] == '#') continue;
    std::istringstream fields(line);
    int id = 0;
    fields >> id;
    if (id < 5) continue;  // definitions carry no time
    double time = 0;
    fields >> time;
    EXPECT_GE(time, last) << line;
    last = time;
    ++body;
  }
  EXPECT_GT(body, 30);
}

TEST(Paje, IsDeterministic) { EXPECT_EQ(paje(bouncing()), paje(bouncing())); }

TEST(Paje, AcceptedByPjDump) {
  if (!has_command("pj_dump")) GTEST_SKIP() << "pj_dump (Debian package pajeng) is not installed";
  TempDir dir;
  Timeline empty;
  for (const auto& [name, t] : {std::pair{"bouncing.paje", bouncing()}, std::pair{"empty.paje", empty}}) {
    const fs::path trace = dir.write(name, paje(t));
    const fs::path dump = dir.path() / (std::string(name) + ".dump");
    const std::string cmd = "pj_dump '" + trace.string() + "' > '" + dump.string() + "' 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << name << ": pj_dump said:\n" << read_all(dump);
    if (t.workers.empty()) continue;
    const std::string out = read_all(dump);
    // pj_dump prints names, not aliases.
    EXPECT_EQ(count(out, "State, worker 0, Worker state, "), 4U) << out;
    EXPECT_EQ(count(out, "State, worker '1', Worker state, "), 5U) << out;
    EXPECT_NE(out.find("State, worker 0, Worker state, 0.001500, 0.004000, 0.002500, 0.000000, reading"),
              std::string::npos)
        << out;
    EXPECT_EQ(count(out, "State, graph.ctx[0].readers, Line transfer, "), 3U) << out;
    EXPECT_EQ(count(out, "Link, epyc-64: graph, Transfer, "), 3U) << out;
    EXPECT_NE(out.find("Link, epyc-64: graph, Fill, 0.001000, 0.001100, 0.000100, fill, memory, core 0, k0"),
              std::string::npos)
        << out;
    EXPECT_EQ(count(out, "Variable, epyc-64: graph, readers_inside, "), 2U) << out;
    EXPECT_NE(out.find("Container, core 3, Worker, 0, 10, 10, worker '1'"), std::string::npos) << out;
  }
}

TEST(TimelineCsv, WritesOneRowPerTransfer) {
  std::ostringstream out;
  write_transfers_csv(out, bouncing());
  EXPECT_EQ(out.str(),
            "start_ps,end_ps,line,line_name,from,to,kind\n"
            "1000,1100,0,graph.ctx[0].readers,-1,0,fill\n"
            "2000,2080,1,\"graph.has_writer, list\",0,3,ownership\n"
            "2150,2230,0,graph.ctx[0].readers,0,3,read_share\n"
            "5000,5001,0,graph.ctx[0].readers,3,0,invalidation\n");
}

// A recording: two threads, a read lock and a mutex nested inside it, times
// measured. Span locks name Timeline::locks.
Timeline recorded() {
  Timeline t;
  t.lock = "recorded";
  t.machine = "this-machine";
  t.cores = 2;
  t.end_time = 1'000'000;
  t.source = TimelineSource::measured;
  t.locks = {{"cache_lock"}, {"stats, \"mutex\""}};
  t.workers = {
      {"thread 0",
       0,
       {{0, 1000, WorkerState::running, kNoLock},
        {1000, 2000, WorkerState::waiting_read, 0},
        {2000, 5000, WorkerState::reading, 0},
        {5000, 6000, WorkerState::writing, 1},
        {6000, 7000, WorkerState::reading, 0},
        {7000, 9000, WorkerState::running, kNoLock}}},
      {"thread 1", 1, {{3000, 4000, WorkerState::writing, 1}}},
  };
  return t;
}

TEST(Perfetto, SpansNameTheirLockInARecording) {
  const std::string json = perfetto(recorded());
  EXPECT_EQ(count(json, "\"name\":\"reading cache_lock\""), 2U) << json;
  EXPECT_EQ(count(json, "\"name\":\"waiting_read cache_lock\""), 1U) << json;
  EXPECT_EQ(count(json, "\"name\":\"writing stats, \\\"mutex\\\"\""), 2U) << json;
  EXPECT_EQ(count(json, "\"cat\":\"state\""), 5U);
}

TEST(Perfetto, ASingleLockNamedLikeTheTimelineIsNotRepeated) {
  // A replay of one lock (or a file before version 3, read as one lock
  // named after Timeline::lock): span names are the states, as before.
  Timeline t = bouncing();
  const std::string before = perfetto(t);
  t.locks = {{"graph"}};
  for (TimelineWorker& w : t.workers) {
    for (Span& span : w.spans) span.lock = span.state == WorkerState::running ? kNoLock : 0;
  }
  EXPECT_EQ(perfetto(t), before);
  EXPECT_NE(before.find("\"name\":\"reading\""), std::string::npos);
}

TEST(Paje, SpansOnNamedLocksHaveTheirOwnValues) {
  const std::string out = paje(recorded());
  EXPECT_NE(out.find("4 s1l0 WS \"reading cache_lock\" \"0.20 0.65 0.25\"\n"), std::string::npos) << out;
  EXPECT_NE(out.find("4 s2l0 WS \"waiting_read cache_lock\""), std::string::npos) << out;
  // Pajé strings have no escapes: a quote becomes an apostrophe.
  EXPECT_NE(out.find("4 s6l1 WS \"writing stats, 'mutex'\" \"0.85 0.15 0.15\"\n"), std::string::npos) << out;
  EXPECT_EQ(count(out, " WS s1l0\n"), 2U) << out;
  EXPECT_EQ(count(out, " WS s6l1\n"), 2U) << out;
  EXPECT_EQ(count(out, " WS s0\n"), 2U) << out;  // running: no lock
  // One value per (state, lock) that occurs, no more.
  EXPECT_EQ(count(out, "\n4 s"), 7U + 3U) << out;
  Timeline t = bouncing();
  const std::string before = paje(t);
  t.locks = {{"graph"}};
  for (TimelineWorker& w : t.workers) {
    for (Span& span : w.spans) span.lock = span.state == WorkerState::running ? kNoLock : 0;
  }
  EXPECT_EQ(paje(t), before);
}

TEST(Paje, ARecordingIsAcceptedByPjDump) {
  if (!has_command("pj_dump")) GTEST_SKIP() << "pj_dump (Debian package pajeng) is not installed";
  TempDir dir;
  const fs::path trace = dir.write("recorded.paje", paje(recorded()));
  const fs::path dump = dir.path() / "recorded.dump";
  const std::string cmd = "pj_dump '" + trace.string() + "' > '" + dump.string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "pj_dump said:\n" << read_all(dump);
  const std::string out = read_all(dump);
  EXPECT_NE(out.find("State, thread 0, Worker state, 0.002000, 0.005000, 0.003000, 0.000000, reading cache_lock"),
            std::string::npos)
      << out;
  EXPECT_EQ(count(out, ", writing stats, 'mutex'\n"), 2U) << out;
}

TEST(TimelineCsv, WritesOneRowPerSpanWithItsLock) {
  std::ostringstream out;
  write_spans_csv(out, recorded());
  EXPECT_EQ(out.str(),
            "worker,worker_name,core,start_ps,end_ps,state,lock,lock_name\n"
            "0,thread 0,0,0,1000,running,,\n"
            "0,thread 0,0,1000,2000,waiting_read,0,cache_lock\n"
            "0,thread 0,0,2000,5000,reading,0,cache_lock\n"
            "0,thread 0,0,5000,6000,writing,1,\"stats, \"\"mutex\"\"\"\n"
            "0,thread 0,0,6000,7000,reading,0,cache_lock\n"
            "0,thread 0,0,7000,9000,running,,\n"
            "1,thread 1,1,3000,4000,writing,1,\"stats, \"\"mutex\"\"\"\n");
}

TEST(Timeline, SpanLockLabelSkipsNoLockAndTheTimelinesOwnName) {
  const Timeline t = recorded();
  EXPECT_EQ(span_lock_label(t, t.workers[0].spans[0]), "");
  EXPECT_EQ(span_lock_label(t, t.workers[0].spans[2]), "cache_lock");
  Span past{0, 1, WorkerState::reading, 7};
  EXPECT_EQ(span_lock_label(t, past), "");
  Timeline replay = t;
  replay.lock = "cache_lock";
  EXPECT_EQ(span_lock_label(replay, replay.workers[0].spans[2]), "");
}

}  // namespace
}  // namespace lockscope::traces
