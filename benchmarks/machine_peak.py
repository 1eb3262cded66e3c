"""The machine's own limit for the complementarity kernels: min+add pairs per second.

Compiles a small C loop with the flags tradeindex's extensions use (``-O3 -march=native
-fopenmp``): each thread keeps 16 independent vector accumulators of ``acc = acc + min(a, c)``, every
vector loaded from a block of 2,048 doubles (in L1) meeting 4 values held in registers - the
register blocking of the dense kernel - so nothing but the core's min and add units limits it. Run with 1 thread and with every core; the result is the ceiling a dense
sum_p min(x_jp, m_kp) kernel can approach on this machine (see RESULTS.md for the fraction the
kernels reach).

    python benchmarks/machine_peak.py
"""
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

SOURCE = r"""
#include <stdio.h>
#include <stdlib.h>
#include <omp.h>
#define N 2048
#define LANES 32  /* 4 vectors of 8 doubles */
#define K 4       /* each loaded vector meets K broadcast values: 16 independent accumulators */
int main(int argc, char **argv) {
    long reps = atol(argv[1]);
    int threads = atoi(argv[2]);
    double total = 0.0, best = 1e300;
    for (int round = 0; round < 5; round++) {
        double t0 = omp_get_wtime();
        #pragma omp parallel num_threads(threads) reduction(+:total)
        {
            double a[N], c[K], acc[K][LANES];
            for (int i = 0; i < N; i++) a[i] = (i * 7 % 13) / 13.0;
            for (int k = 0; k < K; k++) { c[k] = (k + 1) / 7.0; for (int l = 0; l < LANES; l++) acc[k][l] = 0.0; }
            for (long r = 0; r < reps; r++) {
                for (int i = 0; i < N; i += LANES) {
                    for (int k = 0; k < K; k++) {
                        #pragma omp simd
                        for (int l = 0; l < LANES; l++) {
                            double x = a[i + l];
                            acc[k][l] += x < c[k] ? x : c[k];
                        }
                    }
                }
                c[r % K] += 1e-12;  /* keeps the compiler from folding the repetitions */
            }
            for (int k = 0; k < K; k++) for (int l = 0; l < LANES; l++) total += acc[k][l];
        }
        double t = omp_get_wtime() - t0;
        if (t < best) best = t;
    }
    printf("%.6f %.17g\n", best, total);
    return 0;
}
"""


def main():
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC").split()[0] or "cc"
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, "peak.c"), os.path.join(tmp, "peak")
        with open(src, "w") as fh:
            fh.write(SOURCE)
        subprocess.run([cc, "-O3", "-march=native", "-fopenmp", src, "-o", exe], check=True)
        reps = 200_000
        print(f"{shutil.which(cc) or cc}: min+add pairs on L1-resident doubles (best of 5)")
        for threads in sorted({1, cores}):
            out = subprocess.run([exe, str(reps), str(threads)], check=True, capture_output=True, text=True).stdout
            seconds = float(out.split()[0])
            pairs = threads * reps * 2048 * 4 / seconds
            print(f"  {threads} thread{'s' if threads > 1 else ''}: {pairs / 1e9:6.1f} G min+add pairs/s "
                  f"({2 * pairs / 1e9:.1f} Gop/s)")


if __name__ == "__main__":
    sys.exit(main())
