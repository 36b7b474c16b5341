package io.inceptionstream.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The one methodology every {@code bench} follows: named measurements run in rounds, each round
 * calling every measurement once in the order they were added (A B C A B C …, so a slow or fast
 * moment of the machine touches all of them, not just one); the first rounds are warm-up and
 * discarded; at least {@link #MIN_RUNS} measured rounds; each figure reported as its median with
 * the min and max ({@link Figure}), and ratios as figures of the per-round ratios. Each measured
 * call also records what the JVM did meanwhile ({@link JvmActivity}), so drift can be traced to GC,
 * JIT compilation or threads rather than guessed. Runs on the calling thread.
 */
public final class Trials {

  /** The fewest measured rounds a figure is reported from. */
  public static final int MIN_RUNS = 5;

  /** One measurement: returns its figure, for example images per second. */
  @FunctionalInterface
  public interface Measurement {
    double run() throws Exception;
  }

  /**
   * A figure over the measured rounds.
   *
   * @param median the median (mean of the middle two for an even count)
   * @param min the smallest
   * @param max the largest
   */
  public record Figure(double median, double min, double max) {

    /** The figure of a non-empty list of values. */
    public static Figure of(List<Double> values) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("No values to take a figure of");
      }
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(sorted);
      int n = sorted.length;
      double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      return new Figure(median, sorted[0], sorted[n - 1]);
    }

    /** Max over min: 1.00 means every round measured the same. */
    public double spread() {
      return max / min;
    }

    /** Human form, {@code median (min–max)}, each with {@code format} (e.g. {@code %.1f}). */
    public String format(String format) {
      return String.format(format, median)
          + " ("
          + String.format(format, min)
          + "–"
          + String.format(format, max)
          + ")";
    }
  }

  /**
   * What the rounds measured.
   *
   * @param values measurement name → its value in each measured round, in round order
   * @param activity measurement name → what the JVM did during each measured call
   */
  public record Results(Map<String, List<Double>> values, Map<String, List<JvmActivity>> activity) {

    /** The figure of one measurement. */
    public Figure figure(String name) {
      return Figure.of(values(name));
    }

    /** The figure of {@code a / b} taken round by round. */
    public Figure ratio(String a, String b) {
      List<Double> x = values(a);
      List<Double> y = values(b);
      List<Double> r = new ArrayList<>(x.size());
      for (int i = 0; i < x.size(); i++) {
        r.add(x.get(i) / y.get(i));
      }
      return Figure.of(r);
    }

    /** One measurement's values, in round order. */
    public List<Double> values(String name) {
      List<Double> v = values.get(name);
      if (v == null) {
        throw new IllegalArgumentException("No measurement named " + name);
      }
      return v;
    }

    /** Every measurement's figure, in the order they were added. */
    public Map<String, Figure> figures() {
      Map<String, Figure> f = new LinkedHashMap<>();
      values.forEach((name, v) -> f.put(name, Figure.of(v)));
      return f;
    }
  }

  private final int warmupRounds;
  private final int runs;
  private final Map<String, Measurement> measurements = new LinkedHashMap<>();

  /**
   * @param warmupRounds rounds run first and discarded (at least 0)
   * @param runs measured rounds (at least {@link #MIN_RUNS})
   */
  public Trials(int warmupRounds, int runs) {
    if (warmupRounds < 0) {
      throw new IllegalArgumentException(
          "Invalid warm-up of " + warmupRounds + " rounds: must be at least 0");
    }
    if (runs < MIN_RUNS) {
      throw new IllegalArgumentException(
          "Invalid "
              + runs
              + " runs: must be at least "
              + MIN_RUNS
              + " for a median with a spread");
    }
    this.warmupRounds = warmupRounds;
    this.runs = runs;
  }

  /** Adds a measurement; each round runs them in the order added. */
  public Trials add(String name, Measurement measurement) {
    if (measurements.putIfAbsent(name, measurement) != null) {
      throw new IllegalArgumentException("Measurement " + name + " added twice");
    }
    return this;
  }

  /**
   * Runs the warm-up rounds, then the measured ones.
   *
   * @param afterRound called after each measured round with its number (from 1) and each
   *     measurement's value in it, for progress lines
   */
  public Results run(BiConsumer<Integer, Map<String, Double>> afterRound) throws Exception {
    if (measurements.isEmpty()) {
      throw new IllegalStateException("No measurements to run");
    }
    for (int w = 0; w < warmupRounds; w++) {
      for (Measurement m : measurements.values()) {
        m.run();
      }
    }
    Map<String, List<Double>> values = new LinkedHashMap<>();
    Map<String, List<JvmActivity>> activity = new LinkedHashMap<>();
    measurements.keySet().forEach(name -> values.put(name, new ArrayList<>()));
    measurements.keySet().forEach(name -> activity.put(name, new ArrayList<>()));
    for (int r = 1; r <= runs; r++) {
      Map<String, Double> round = new LinkedHashMap<>();
      for (Map.Entry<String, Measurement> e : measurements.entrySet()) {
        JvmActivity.Snapshot before = JvmActivity.snapshot();
        double v = e.getValue().run();
        activity.get(e.getKey()).add(JvmActivity.since(before));
        values.get(e.getKey()).add(v);
        round.put(e.getKey(), v);
      }
      afterRound.accept(r, round);
    }
    return new Results(values, activity);
  }
}
