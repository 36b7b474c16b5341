package io.inceptionstream.inference;

import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import java.util.SplittableRandom;

/**
 * Times the model alone: forward passes of a fixed random batch on one device, through the same
 * {@link Backend} the worker opens (so the stand-in and its cost curve can be timed too), with no
 * normalisation before and no softmax after. This is the ceiling the streaming worker is measured
 * against; how often to time and how to summarise is the caller's methodology. Confined to the
 * thread that opens it, which must close it.
 */
public final class ModelBenchmark implements AutoCloseable {

  private final Backend backend;
  private final float[] input;
  private final int maxBatch;

  private ModelBenchmark(Backend backend, float[] input, int maxBatch) {
    this.backend = backend;
    this.maxBatch = maxBatch;
    this.input = input;
  }

  private static float[] randomInput(int maxBatch) {
    float[] input = new float[Math.multiplyExact(maxBatch, Preprocessor.FLOATS)];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    return input;
  }

  /**
   * Opens the backend the options name ({@link Backend#open}) for batches of up to {@code maxBatch}
   * images.
   *
   * @param device a concrete device name
   */
  public static ModelBenchmark open(
      ModelDirectory directory, RunnerOptions options, String device, int maxBatch)
      throws InvalidModelException {
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "Invalid maximum batch of " + maxBatch + " images: must be at least 1");
    }
    float[] input = randomInput(maxBatch);
    // int8 measures its ranges on the same random inputs it is then timed on: speed, not accuracy.
    Backend backend =
        options.precision() == Precision.INT8
            ? new InferenceRunner(
                directory, options, device, new Calibration(input, Math.min(maxBatch, 32)))
            : Backend.open(directory, options, device);
    return new ModelBenchmark(backend, input, maxBatch);
  }

  /** The backend's engine, for reports. */
  public String engine() {
    return backend.engine();
  }

  /** Milliseconds one forward pass of {@code batchSize} images takes. */
  public double passMillis(int batchSize) {
    if (batchSize < 1 || batchSize > maxBatch) {
      throw new IllegalArgumentException(
          "Batch of " + batchSize + " images: must be 1 to " + maxBatch);
    }
    long start = System.nanoTime();
    backend.forward(input, batchSize);
    return (System.nanoTime() - start) / 1e6;
  }

  @Override
  public void close() {
    backend.close();
  }
}
