package io.inceptionstream.inference;

import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import java.util.ArrayList;
import java.util.List;

/**
 * The one inference path from images to results, shared by the worker, {@code eval}, {@code model
 * predict} and training's held-out check, so that each measures exactly what the others do. Like a
 * DJL {@code Translator} around its predictor: it normalises 3 x 32 x 32 channel-first byte images
 * ({@link Preprocessor#toChw}) into a batch buffer with the model's mean and std, runs one forward
 * pass through a {@link Backend}, and turns the outputs into softmax probabilities, top-k and tap
 * embeddings ({@link InferenceResult}). Row {@code i} of a result is input image {@code i}.
 *
 * <p>One per thread, as a predictor is: the batch buffer is reused by every call, and the backend
 * it closes is confined to the thread that created it.
 */
public final class Classifier implements AutoCloseable {

  private final Backend backend;
  private final Preprocessor preprocessor;
  private final boolean normalize;
  private final int maxBatch;

  /**
   * Per-thread state: the normalised batch, overwritten by every call. Only its first {@code n}
   * images are passed on, so leftovers of an earlier, larger batch are never read.
   */
  private final float[] buffer;

  /**
   * Wraps an open backend; closing the classifier closes it.
   *
   * @param preprocessor normalises with the mean and std the network was trained with
   * @param normalize whether tap embeddings are L2-normalised
   * @param maxBatch the most images one call may pass; sizes the reused buffer
   */
  public Classifier(Backend backend, Preprocessor preprocessor, boolean normalize, int maxBatch) {
    requireAtLeastOne(maxBatch);
    this.backend = backend;
    this.preprocessor = preprocessor;
    this.normalize = normalize;
    this.maxBatch = maxBatch;
    this.buffer = new float[Math.multiplyExact(maxBatch, Preprocessor.FLOATS)];
  }

  /**
   * Opens the backend the options name ({@link Backend#open}) for a model directory, normalising
   * with the mean and std in its metadata.
   *
   * @param device a concrete device name
   * @param maxBatch the most images one call may pass
   */
  public static Classifier open(
      ModelDirectory model, RunnerOptions options, String device, int maxBatch)
      throws InvalidModelException {
    requireAtLeastOne(maxBatch);
    Preprocessor pre = new Preprocessor(model.metadata().meanArray(), model.metadata().stdArray());
    Backend backend = Backend.open(model, options, device);
    try {
      return new Classifier(backend, pre, options.normalize(), maxBatch);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  /** The most images one call may pass. */
  public int maxBatch() {
    return maxBatch;
  }

  /** The backend's engine, for logs. */
  public String engine() {
    return backend.engine();
  }

  /** Whether the backend runs a compiled graph. */
  public boolean compiled() {
    return backend.compiled();
  }

  /** Lets the backend allocate and tune for these batch sizes before real traffic. */
  public void warmUp(int... batchSizes) {
    for (int b : batchSizes) {
      requireBatch(b);
    }
    backend.warmUp(batchSizes);
  }

  /**
   * Classifies images given one array each.
   *
   * @param images 1 to {@link #maxBatch()} arrays of {@link Preprocessor#FLOATS} channel-first
   *     bytes
   * @throws IllegalArgumentException if there are too few or too many images, or one has the wrong
   *     size
   * @throws InferenceException if the engine fails
   */
  public InferenceResult classify(List<byte[]> images) {
    int n = images.size();
    requireBatch(n);
    for (int i = 0; i < n; i++) {
      byte[] chw = images.get(i);
      if (chw.length != Preprocessor.FLOATS) {
        throw new IllegalArgumentException(
            "Image " + i + " has " + chw.length + " bytes, not " + Preprocessor.FLOATS);
      }
      preprocessor.write(chw, 0, buffer, i * Preprocessor.FLOATS);
    }
    return run(n);
  }

  /**
   * Classifies {@code n} images stored one after another in one array, as data sets keep them.
   *
   * @param images channel-first bytes, {@link Preprocessor#FLOATS} an image
   * @param first index of the first image to classify
   * @param n 1 to {@link #maxBatch()}
   */
  public InferenceResult classify(byte[] images, int first, int n) {
    requireBatch(n);
    if (first < 0 || ((long) first + n) * Preprocessor.FLOATS > images.length) {
      throw new IllegalArgumentException(
          "Images "
              + first
              + ".."
              + ((long) first + n - 1)
              + " are outside "
              + images.length
              + " bytes");
    }
    for (int i = 0; i < n; i++) {
      preprocessor.write(
          images, (first + i) * Preprocessor.FLOATS, buffer, i * Preprocessor.FLOATS);
    }
    return run(n);
  }

  private InferenceResult run(int n) {
    NetworkOutputs out = backend.forward(buffer, n);
    if (out.size() != n) {
      throw new IllegalStateException(
          "Backend " + backend.engine() + " answered " + out.size() + " images for " + n);
    }
    float[] probabilities = Scored.softmaxRows(out.logits(), n, out.classes());
    List<float[]> embeddings = new ArrayList<>(out.taps().size());
    for (int t = 0; t < out.taps().size(); t++) {
      // The backend hands over fresh arrays, so normalising in place copies nothing.
      float[] values = out.tapValues().get(t);
      if (normalize) {
        Scored.normalizeRows(values, n, out.taps().get(t).dimension());
      }
      embeddings.add(values);
    }
    return new InferenceResult(
        n, out.classes(), out.logits(), probabilities, out.taps(), embeddings, normalize);
  }

  private void requireBatch(int n) {
    if (n < 1 || n > maxBatch) {
      throw new IllegalArgumentException(
          "Batch of " + n + " images: must be 1 to " + maxBatch + " (the classifier's maximum)");
    }
  }

  private static void requireAtLeastOne(int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "Invalid maximum batch of " + maxBatch + " images: must be at least 1");
    }
  }

  @Override
  public void close() {
    backend.close();
  }
}
