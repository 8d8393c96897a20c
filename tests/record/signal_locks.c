/* signal_locks: a loop of rdlock+unlock pairs interrupted every 50 us by a
 * SIGALRM handler that takes and releases a mutex. A handler that lands
 * inside the recorder's append() on this thread must not overwrite the
 * record being written: its calls are dropped and counted instead. Prints
 * how many pairs the loop did and how many times the handler ran.
 *
 *   signal_locks PAIRS */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

static pthread_mutex_t handler_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t loop_lock = PTHREAD_RWLOCK_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_alarm(int sig) {
  (void)sig;
  if (pthread_mutex_trylock(&handler_mutex) == 0) pthread_mutex_unlock(&handler_mutex);
  handled = handled + 1;
}

int main(int argc, char** argv) {
  const long pairs = argc > 1 ? atol(argv[1]) : 1000000;
  signal(SIGALRM, on_alarm);
  struct itimerval every_50us = {{0, 50}, {0, 50}};
  setitimer(ITIMER_REAL, &every_50us, NULL);
  for (long i = 0; i < pairs; ++i) {
    pthread_rwlock_rdlock(&loop_lock);
    pthread_rwlock_unlock(&loop_lock);
  }
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  printf("pairs %ld handled %ld\n", pairs, (long)handled);
  return 0;
}
