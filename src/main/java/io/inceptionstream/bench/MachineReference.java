package io.inceptionstream.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The machine's own speed, measured beside a benchmark's rounds: a fixed amount of plain float
 * arithmetic (small matrix products, in cache, no allocation, no I/O) on one thread per core,
 * timed. Nothing in it depends on the JVM's heap, the broker or the engine, so when a benchmark's
 * figure spreads as much as this one does in the same run, the spread is the machine's (a shared
 * host's cores do not run at one speed), not the benchmark's. Runs its own threads and joins them
 * before returning.
 */
public final class MachineReference {

  /** Side of the matrices: 3 × 64 × 64 floats = 48 KiB per thread, in every core's L2. */
  static final int SIDE = 64;

  /** Multiply-adds per product, counted as two floating-point operations each. */
  private static final double FLOPS_PER_PRODUCT = 2.0 * SIDE * SIDE * SIDE;

  /** Products per thread by default: about 1 GFLOP each, a second or two with the C1 compiler. */
  public static final int DEFAULT_PRODUCTS = 2000;

  private final int threads;
  private final int products;

  /**
   * @param threads threads run at once, one per core to load the machine as the model does
   * @param products matrix products each thread computes per measurement
   */
  public MachineReference(int threads, int products) {
    if (threads < 1 || products < 1) {
      throw new IllegalArgumentException(
          "Invalid machine reference of "
              + threads
              + " threads × "
              + products
              + " products: both must be at least 1");
    }
    this.threads = threads;
    this.products = products;
  }

  /** One thread per available core, {@link #DEFAULT_PRODUCTS} products each. */
  public static MachineReference perCore() {
    return new MachineReference(Runtime.getRuntime().availableProcessors(), DEFAULT_PRODUCTS);
  }

  /** Times one fixed amount of work on every thread; returns GFLOP per second over all of them. */
  public double gflopsPerSecond() throws InterruptedException {
    double[] checks = new double[threads];
    List<Thread> started = new ArrayList<>(threads);
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int slot = t;
      Thread thread =
          new Thread(() -> checks[slot] = multiply(products, slot), "machine-reference-" + t);
      thread.start();
      started.add(thread);
    }
    for (Thread thread : started) {
      thread.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    for (double c : checks) {
      // The products feed a checksum that is read here, so the JIT cannot drop them as dead code.
      if (!Double.isFinite(c)) {
        throw new IllegalStateException("Machine reference computed a non-finite checksum " + c);
      }
    }
    return (double) threads * products * FLOPS_PER_PRODUCT / seconds / 1e9;
  }

  /** {@code products} products of two fixed matrices; returns a checksum of the results. */
  static double multiply(int products, int seed) {
    int n = SIDE;
    float[] a = new float[n * n];
    float[] b = new float[n * n];
    float[] c = new float[n * n];
    for (int i = 0; i < n * n; i++) {
      a[i] = ((i + seed) % 7) * 0.01f;
      b[i] = ((i * 3 + seed) % 5) * 0.01f;
    }
    double check = 0;
    for (int p = 0; p < products; p++) {
      java.util.Arrays.fill(c, 0f);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          float x = a[i * n + k];
          int bk = k * n;
          int ci = i * n;
          for (int j = 0; j < n; j++) {
            c[ci + j] += x * b[bk + j];
          }
        }
      }
      check += c[p % (n * n)];
    }
    return check;
  }
}
