/* record_overhead: what recording costs an uncontended lock. One thread
 * takes and releases a pthread_rwlock_t for reading PAIRS times, in fifty
 * rounds (short enough that some escape preemption on a busy machine), and prints the fastest round's nanoseconds per rdlock+unlock pair.
 * Run it once plain and once under the interposer (measure_record_overhead
 * in engine/record/overhead.hpp does both) and the difference is the
 * interposer's cost per pair.
 *
 * Each round is timed on two clocks and the fastest round of each counts:
 * this thread's CPU time (CLOCK_THREAD_CPUTIME_ID: what the pairs cost
 * the thread, whatever else the machine runs; on a VM it leaves out time
 * the host took) and the wall clock (CLOCK_MONOTONIC: what a quiet machine
 * would see). The process's CPU time per pair is printed too: it includes
 * the recorder's writer thread, the cost of encoding on another core.
 *
 *   record_overhead PAIRS */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 50

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

static double now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char** argv) {
  const long pairs = argc > 1 ? atol(argv[1]) : 5000000;
  if (pairs < ROUNDS) {
    fprintf(stderr, "usage: %s PAIRS (at least %d)\n", argv[0], ROUNDS);
    return 2;
  }
  const long per_round = pairs / ROUNDS;
  for (long i = 0; i < 10000; ++i) { /* warm: the PLT, the lock's line, the recorder's first chunk */
    pthread_rwlock_rdlock(&lock);
    pthread_rwlock_unlock(&lock);
  }
  double best = 1e30;
  double best_wall = 1e30;
  const double process_start = now_ns(CLOCK_PROCESS_CPUTIME_ID);
  for (int round = 0; round < ROUNDS; ++round) {
    const double start = now_ns(CLOCK_THREAD_CPUTIME_ID);
    const double start_wall = now_ns(CLOCK_MONOTONIC);
    for (long i = 0; i < per_round; ++i) {
      pthread_rwlock_rdlock(&lock);
      pthread_rwlock_unlock(&lock);
    }
    const double wall = (now_ns(CLOCK_MONOTONIC) - start_wall) / (double)per_round;
    const double ns = (now_ns(CLOCK_THREAD_CPUTIME_ID) - start) / (double)per_round;
    if (ns < best) best = ns;
    if (wall < best_wall) best_wall = wall;
  }
  const double process_ns = (now_ns(CLOCK_PROCESS_CPUTIME_ID) - process_start) / (double)(per_round * ROUNDS);
  printf("pairs %ld ns_per_pair %.2f wall_ns_per_pair %.2f process_cpu_ns_per_pair %.2f\n", per_round * ROUNDS + 10000,
         best, best_wall, process_ns);
  return 0;
}
