package io.inceptionstream.inference;

import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures the model alone: images per second per batch size on one device, after warm-up, as the
 * median of several timed forward passes (no normalisation before, no softmax after). This is the
 * ceiling the streaming worker is measured against. Runs on the calling thread.
 */
public final class ModelBenchmark {

  /**
   * One batch size's figures.
   *
   * @param batchSize images per forward pass
   * @param imagesPerSecond batch size divided by the median pass time
   * @param medianBatchMillis median time of one forward pass
   * @param minBatchMillis fastest pass
   * @param maxBatchMillis slowest pass
   * @param runs timed passes
   */
  public record Result(
      int batchSize,
      double imagesPerSecond,
      double medianBatchMillis,
      double minBatchMillis,
      double maxBatchMillis,
      int runs) {}

  private ModelBenchmark() {}

  /**
   * Benchmarks each batch size in turn on random inputs.
   *
   * @param warmup untimed passes per batch size
   * @param runs timed passes per batch size; each run is at least {@code minImages} images
   */
  public static List<Result> run(
      ModelDirectory directory,
      RunnerOptions options,
      String device,
      int[] batchSizes,
      int warmup,
      int runs)
      throws InvalidModelException {
    int max = Arrays.stream(batchSizes).max().orElseThrow();
    float[] input = new float[max * Preprocessor.FLOATS];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    List<Result> results = new ArrayList<>();
    // int8 measures its ranges on the same random inputs it is then timed on: speed, not accuracy.
    Calibration calibration =
        options.precision() == Precision.INT8 ? new Calibration(input, Math.min(max, 32)) : null;
    try (InferenceRunner runner = new InferenceRunner(directory, options, device, calibration)) {
      for (int b : batchSizes) {
        for (int i = 0; i < warmup; i++) {
          runner.forward(input, b);
        }
        double[] millis = new double[runs];
        for (int r = 0; r < runs; r++) {
          long start = System.nanoTime();
          runner.forward(input, b);
          millis[r] = (System.nanoTime() - start) / 1e6;
        }
        double median = median(millis);
        results.add(
            new Result(
                b,
                b * 1000.0 / median,
                median,
                Arrays.stream(millis).min().orElseThrow(),
                Arrays.stream(millis).max().orElseThrow(),
                runs));
      }
    }
    return results;
  }

  /** The median of a non-empty array (mean of the middle two for even lengths). */
  public static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
