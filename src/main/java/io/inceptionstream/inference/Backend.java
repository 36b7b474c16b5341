package io.inceptionstream.inference;

import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;

/**
 * Something that turns a batch of preprocessed images into {@link InferenceResult}s: the real
 * network ({@link InferenceRunner}) or the zero-cost {@link StandInBackend} used to measure the
 * pipeline without the model. Used by one thread, which creates and closes it.
 */
public interface Backend extends AutoCloseable {

  /** Runs one batch of {@code n} images laid out at the start of {@code pixels}. */
  InferenceResult infer(float[] pixels, int n);

  /** Prepares for these batch sizes. */
  void warmUp(int... batchSizes);

  /** The engine's name, for logs. */
  String engine();

  /** Whether a compiled graph runs. */
  boolean compiled();

  @Override
  void close();

  /**
   * Opens the backend the options name: {@link Engines#STAND_IN} or a real engine.
   *
   * @param device a concrete device name
   */
  static Backend open(ModelDirectory model, RunnerOptions options, String device)
      throws InvalidModelException {
    if (Engines.STAND_IN.equals(options.engine())) {
      return new StandInBackend(model.metadata().classes(), options);
    }
    return new InferenceRunner(model, options, device);
  }
}
