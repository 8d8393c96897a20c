/* record_overhead: what recording costs an uncontended lock. One thread
 * takes and releases a pthread_rwlock_t for reading PAIRS times, in five
 * rounds, and prints the fastest round's nanoseconds per rdlock+unlock pair.
 * Run it once plain and once under the interposer (measure_record_overhead
 * in engine/record/overhead.hpp does both) and the difference is the
 * interposer's cost per pair.
 *
 *   record_overhead PAIRS */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char** argv) {
  const long pairs = argc > 1 ? atol(argv[1]) : 5000000;
  if (pairs < 5) {
    fprintf(stderr, "usage: %s PAIRS (at least 5)\n", argv[0]);
    return 2;
  }
  const long per_round = pairs / 5;
  for (long i = 0; i < 10000; ++i) { /* warm: the PLT, the lock's line, the recorder's first chunk */
    pthread_rwlock_rdlock(&lock);
    pthread_rwlock_unlock(&lock);
  }
  double best = 1e30;
  for (int round = 0; round < 5; ++round) {
    const double start = now_ns();
    for (long i = 0; i < per_round; ++i) {
      pthread_rwlock_rdlock(&lock);
      pthread_rwlock_unlock(&lock);
    }
    const double ns = (now_ns() - start) / (double)per_round;
    if (ns < best) best = ns;
  }
  printf("pairs %ld ns_per_pair %.2f\n", per_round * 5 + 10000, best);
  return 0;
}
