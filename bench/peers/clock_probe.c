/* Effective core clock for bench:dsplib-onednn: times a chain of dependent 64-bit adds (1 cycle
 * latency each on current x86 cores) by process CPU time and prints GHz = adds / CPU seconds
 * (best of 7 runs). Measures the clock a busy core actually runs at (boost included), which a VM's
 * /proc/cpuinfo 'cpu MHz' does not show. Usage: clock_probe  (prints one number, GHz). */
#include <stdio.h>
#include <time.h>

static double cpu_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  const long iters = 4000000; /* x 200 adds = 8e8 dependent adds per run */
  double best = 1e9;
  unsigned long x = 0;
  for (int r = 0; r < 7; r++) {
    double t0 = cpu_s();
    for (long i = 0; i < iters; i++) __asm__ volatile(".rept 200\n\taddq $1, %0\n\t.endr" : "+r"(x));
    double s = cpu_s() - t0;
    if (s < best) best = s;
  }
  printf("%.3f\n", iters * 200.0 / best / 1e9 + (x == 1 ? 1e-12 : 0));
  return 0;
}
