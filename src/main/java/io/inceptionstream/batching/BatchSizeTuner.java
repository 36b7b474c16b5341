package io.inceptionstream.batching;

import io.inceptionstream.lifecycle.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Chooses {@code batch.max-size=auto} at warm-up: times one forward pass after another at each
 * candidate size, smallest first, and keeps the size with the most images per second, a size within
 * {@link #TIE} of the best going to the smaller one (it fills sooner, so it waits less). Larger
 * sizes are skipped once the time budget would be overrun or once throughput has clearly fallen
 * past its peak. Time comes from an injected clock, so a test drives it with a fake forward pass
 * that advances a manual clock. Used by the one thread that owns the device.
 */
public final class BatchSizeTuner {

  /** Sizes whose images per second are within this fraction of the best count as tied. */
  public static final double TIE = 0.03;

  /** Timed passes at each size, at least. */
  static final int MIN_PASSES = 2;

  /** Timed time at each size, at least, unless the budget runs short. */
  static final Duration MIN_TIME_PER_SIZE = Duration.ofMillis(50);

  /**
   * What the tuning found.
   *
   * @param chosen the size to use
   * @param imagesPerSecond images per second by size, in the order they were timed
   * @param skipped why the larger candidates were not timed, or empty when all were
   */
  public record Result(int chosen, Map<Integer, Double> imagesPerSecond, String skipped) {

    public Result {
      imagesPerSecond = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(imagesPerSecond));
    }

    /**
     * The table for the log line: {@code 1: 21.0, 2: 22.4, ...}, then why larger sizes were
     * skipped, if they were.
     */
    public String table() {
      List<String> parts = new ArrayList<>();
      imagesPerSecond.forEach((size, ips) -> parts.add(size + ": " + format(ips)));
      return String.join(", ", parts) + (skipped.isEmpty() ? "" : "; " + skipped);
    }

    private static String format(double ips) {
      return ips >= 100 ? String.format("%.0f", ips) : String.format("%.1f", ips);
    }
  }

  private final Clock clock;
  private final List<Integer> candidates;
  private final long budgetNanos;

  /**
   * @param clock time source
   * @param candidates sizes to try, ascending, each at least 1
   * @param budget total time to spend timing, roughly (a size is started only if its predicted cost
   *     fits what is left; the smallest is always timed)
   */
  public BatchSizeTuner(Clock clock, List<Integer> candidates, Duration budget) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("No batch sizes to try");
    }
    for (int i = 0; i < candidates.size(); i++) {
      if (candidates.get(i) < 1 || (i > 0 && candidates.get(i) <= candidates.get(i - 1))) {
        throw new IllegalArgumentException(
            "Batch sizes must be at least 1 and ascending: " + candidates);
      }
    }
    this.clock = clock;
    this.candidates = List.copyOf(candidates);
    this.budgetNanos = budget.toNanos();
  }

  /**
   * Times the candidates.
   *
   * @param forward runs one forward pass of that many images
   */
  public Result tune(IntConsumer forward) {
    Map<Integer, Double> table = new LinkedHashMap<>();
    long start = clock.nanoTime();
    long lastPassNanos = 0;
    int lastSize = 0;
    double best = 0;
    int belowPeak = 0;
    String skipped = "";
    for (int size : candidates) {
      long used = clock.nanoTime() - start;
      if (lastSize > 0) {
        // A pass costs at most in proportion to its size: one untimed, MIN_PASSES timed.
        long predicted = (1 + MIN_PASSES) * lastPassNanos * size / lastSize;
        if (used + predicted > budgetNanos) {
          skipped =
              size
                  + " and up not timed: they would overrun the "
                  + budgetNanos / 1_000_000
                  + " ms budget";
          break;
        }
      }
      forward.accept(size); // untimed: the first pass at a new shape allocates
      int passes = 0;
      long t0 = clock.nanoTime();
      long elapsed;
      do {
        forward.accept(size);
        passes++;
        elapsed = clock.nanoTime() - t0;
      } while (passes < MIN_PASSES
          || (elapsed < MIN_TIME_PER_SIZE.toNanos() && clock.nanoTime() - start < budgetNanos));
      elapsed = Math.max(1, elapsed);
      double ips = (double) size * passes / (elapsed / 1e9);
      table.put(size, ips);
      lastPassNanos = elapsed / passes;
      lastSize = size;
      belowPeak = ips < best * (1 - 2 * TIE) ? belowPeak + 1 : 0;
      if (belowPeak == 2 && size != candidates.get(candidates.size() - 1)) {
        // clearly past the peak: larger sizes only wait longer
        skipped = "larger sizes not timed: past the peak";
        break;
      }
      best = Math.max(best, ips);
    }
    return new Result(choose(table), table, skipped);
  }

  /**
   * The size with the most images per second; sizes within {@link #TIE} of the best are tied and
   * the smallest of them wins.
   */
  public static int choose(Map<Integer, Double> imagesPerSecond) {
    if (imagesPerSecond.isEmpty()) {
      throw new IllegalArgumentException("No timings");
    }
    double best =
        imagesPerSecond.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    int chosen = Integer.MAX_VALUE;
    for (Map.Entry<Integer, Double> e : imagesPerSecond.entrySet()) {
      if (e.getValue() >= best * (1 - TIE) && e.getKey() < chosen) {
        chosen = e.getKey();
      }
    }
    return chosen;
  }
}
