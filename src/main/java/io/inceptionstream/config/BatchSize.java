package io.inceptionstream.config;

import java.util.List;

/**
 * The value of {@code batch.max-size}: a fixed number of images per forward pass, or {@code auto},
 * where each inference thread times the {@link #AUTO_CANDIDATES} at warm-up and keeps the one with
 * the most images per second. Immutable.
 *
 * @param auto whether the size is chosen at warm-up
 * @param fixed the size when not auto, 1 to {@link #MAX}; 0 when auto
 */
public record BatchSize(boolean auto, int fixed) {

  /** The largest fixed size. */
  public static final int MAX = 4096;

  /** The sizes {@code auto} tries, smallest first (each one capped by pipeline.max-in-flight). */
  public static final List<Integer> AUTO_CANDIDATES = List.of(1, 2, 4, 8, 16, 32, 64);

  /** The largest size {@code auto} may choose. */
  public static final int AUTO_LARGEST = AUTO_CANDIDATES.get(AUTO_CANDIDATES.size() - 1);

  /** {@code auto}. */
  public static final BatchSize AUTO = new BatchSize(true, 0);

  /** The rule, phrased to follow the key. */
  static final String RULE = "must be auto or an integer between 1 and " + MAX;

  public BatchSize {
    if (auto ? fixed != 0 : fixed < 1 || fixed > MAX) {
      throw new IllegalArgumentException(
          auto ? "An auto batch size has no fixed size, got " + fixed : RULE + ", got " + fixed);
    }
  }

  /** A fixed size, 1 to {@link #MAX}. */
  public static BatchSize of(int fixed) {
    return new BatchSize(false, fixed);
  }

  /** The most images a batch may hold: the fixed size, or the largest {@code auto} may choose. */
  public int largest() {
    return auto ? AUTO_LARGEST : fixed;
  }

  /** {@code auto} or the number, as configuration spells it. */
  @Override
  public String toString() {
    return auto ? "auto" : Integer.toString(fixed);
  }

  /** Reads {@code auto} or an integer from 1 to {@link #MAX}; surrounding spaces are ignored. */
  static BatchSize parse(String text) {
    String t = text.strip();
    if (t.equals("auto")) {
      return AUTO;
    }
    if (t.matches("[+]?\\d{1,9}")) {
      int n = Integer.parseInt(t);
      if (n >= 1 && n <= MAX) {
        return of(n);
      }
    }
    throw new IllegalArgumentException(RULE);
  }
}
