/* rwlock_cache: a read-mostly cache behind one pthread_rwlock_t, the shape
 * `lockscope record` is for: many readers that each hold the lock briefly,
 * a few writers, one global lock whose cacheline every reader writes.
 *
 *   rwlock_cache THREADS OPS_PER_THREAD WRITE_PERMILLE [--sleep-us N] [--fork] [--exec PROGRAM]
 *
 * Each thread decides read or write from its own seeded generator, so the
 * per-thread counts it prints at the end are the same on every run, and a
 * test can compare them with a recording. --sleep-us sleeps between
 * operations (a test stops the program halfway: it prints "halfway" when
 * half the operations are done); --fork forks a child after the threads
 * are done, which takes the lock a few times (a recorded run skips it);
 * --exec replaces the process with PROGRAM at the end (the recording ends
 * there). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CACHE_SLOTS 256

/* Zero-initialized, so it lands in .bss: the recording names it by its symbol. */
pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static long cache[CACHE_SLOTS];

static long ops_per_thread;
static long write_permille;
static long sleep_us;
static atomic_long ops_done;
static long total_ops;

struct worker {
  pthread_t thread;
  int index;
  pid_t tid;
  long reads;
  long writes;
  long checksum;
};

static uint64_t next_random(uint64_t* state) {
  /* xorshift64: deterministic per seed, the same on every run. */
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  *state = x;
  return x;
}

static void* worker(void* arg) {
  struct worker* w = arg;
  char name[16];
  snprintf(name, sizeof name, "cache-%d", w->index);
  pthread_setname_np(pthread_self(), name);
  w->tid = gettid();
  uint64_t state = 0x9E3779B97F4A7C15ull * (uint64_t)(w->index + 1);
  for (long i = 0; i < ops_per_thread; ++i) {
    const uint64_t r = next_random(&state);
    const long slot = (long)(r >> 32) % CACHE_SLOTS;
    if ((long)(r % 1000) < write_permille) {
      pthread_rwlock_wrlock(&cache_lock);
      cache[slot] += 1;
      pthread_rwlock_unlock(&cache_lock);
      w->writes++;
    } else {
      pthread_rwlock_rdlock(&cache_lock);
      w->checksum += cache[slot];
      pthread_rwlock_unlock(&cache_lock);
      w->reads++;
    }
    if (atomic_fetch_add(&ops_done, 1) + 1 == total_ops / 2) {
      printf("halfway\n");
      fflush(stdout);
    }
    if (sleep_us > 0) usleep((useconds_t)sleep_us);
  }
  return NULL;
}

static void forked_child(void) {
  pid_t pid = fork();
  if (pid == 0) {
    for (int i = 0; i < 10; ++i) {
      pthread_rwlock_rdlock(&cache_lock);
      pthread_rwlock_unlock(&cache_lock);
    }
    printf("child pid %d reads 10\n", (int)getpid());
    fflush(stdout);
    _exit(0);
  }
  if (pid > 0) waitpid(pid, NULL, 0);
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s THREADS OPS_PER_THREAD WRITE_PERMILLE [--sleep-us N] [--fork] [--exec PROGRAM]\n",
            argv[0]);
    return 2;
  }
  const int threads = atoi(argv[1]);
  ops_per_thread = atol(argv[2]);
  write_permille = atol(argv[3]);
  int do_fork = 0;
  const char* exec_program = NULL;
  for (int i = 4; i < argc; ++i) {
    if (strcmp(argv[i], "--sleep-us") == 0 && i + 1 < argc) {
      sleep_us = atol(argv[++i]);
    } else if (strcmp(argv[i], "--fork") == 0) {
      do_fork = 1;
    } else if (strcmp(argv[i], "--exec") == 0 && i + 1 < argc) {
      exec_program = argv[++i];
    }
  }
  if (threads <= 0 || threads > 1024 || ops_per_thread < 0) {
    fprintf(stderr, "%s: bad arguments\n", argv[0]);
    return 2;
  }
  total_ops = threads * ops_per_thread;
  struct worker* workers = calloc((size_t)threads, sizeof *workers);
  for (int i = 0; i < threads; ++i) {
    workers[i].index = i;
    pthread_create(&workers[i].thread, NULL, worker, &workers[i]);
  }
  long reads = 0;
  long writes = 0;
  for (int i = 0; i < threads; ++i) {
    pthread_join(workers[i].thread, NULL);
    printf("thread %d tid %d reads %ld writes %ld\n", i, (int)workers[i].tid, workers[i].reads, workers[i].writes);
    reads += workers[i].reads;
    writes += workers[i].writes;
  }
  printf("total reads %ld writes %ld\n", reads, writes);
  fflush(stdout);
  if (do_fork) forked_child();
  free(workers);
  if (exec_program != NULL) {
    char* const exec_argv[] = {(char*)exec_program, NULL};
    execv(exec_program, exec_argv);
    perror("execv");
    return 1;
  }
  return 0;
}
