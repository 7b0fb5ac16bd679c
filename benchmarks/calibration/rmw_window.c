/* How often two cores lose a non-atomic increment of one shared word: the figures behind
 * gilsim.interpreter.obrefcnt (RMW_WINDOW_NS, STORE_JITTER_NS).
 *
 * Py_INCREF in a GIL build of CPython 3.11 is `op->ob_refcnt++` (Include/object.h), which
 * gcc -O2 compiles to one `addq $1, (mem)`: a load, an add and a store, not atomic across
 * cores.  Each thread here does that to one shared counter, then `spin` iterations of
 * private work, `updates` times; pinned to cores 0 and 1.  Every update lost leaves the
 * counter short, so
 *
 *     lost fraction = (threads * updates - counter) / (threads * updates)
 *
 * and with each thread updating every s ns, a lost fraction p means a vulnerable window of
 * W = p * s ns (an update is lost when the other core's store lands within W of it).
 *
 *     gcc -O2 -pthread benchmarks/calibration/rmw_window.c -o /tmp/rmw_window
 *     for spin in 100 300 1000; do
 *         /tmp/rmw_window 2000000 $spin 1; /tmp/rmw_window 2000000 $spin 2
 *     done
 *     /tmp/rmw_window 2000000 300 2 atomic     # `lock addq`: none lost, ever
 *
 * One thread alone gives the time an update costs uncontended; two, what the contended
 * cache line moving between the cores adds to each.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long counter;
static long updates, spin;
static int atomic;
static volatile int go;

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *run(void *arg) {
    cpu_set_t cores;
    CPU_ZERO(&cores);
    CPU_SET((int)(long)arg, &cores);
    pthread_setaffinity_np(pthread_self(), sizeof cores, &cores);
    while (!go)
        ;
    volatile long sink = 0;
    for (long i = 0; i < updates; i++) {
        if (atomic)
            __asm__ volatile("lock addq $1, %0" : "+m"(counter));
        else
            __asm__ volatile("addq $1, %0" : "+m"(counter));
        for (long j = 0; j < spin; j++)
            sink += j;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s UPDATES SPIN THREADS [atomic]\n", argv[0]);
        return 2;
    }
    updates = atol(argv[1]);
    spin = atol(argv[2]);
    int threads = atoi(argv[3]);
    atomic = argc > 4 && strcmp(argv[4], "atomic") == 0;
    if (threads < 1 || threads > 2) {
        fprintf(stderr, "THREADS is 1 or 2\n");
        return 2;
    }
    pthread_t ids[2];
    double start = now_ns();
    for (long i = 0; i < threads; i++)
        pthread_create(&ids[i], NULL, run, (void *)i);
    go = 1;
    for (int i = 0; i < threads; i++)
        pthread_join(ids[i], NULL);
    double spacing = (now_ns() - start) / updates;
    long expected = updates * threads;
    double lost = (double)(expected - counter) / expected;
    printf("%s spin=%ld threads=%d ns/update=%.1f lost=%.4f window=%.1f ns\n",
           atomic ? "atomic" : "plain", spin, threads, spacing, lost, lost * spacing);
    return 0;
}
