package io.inceptionstream.inference;

import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;

/**
 * The forward pass alone: turns a batch of normalised images into raw {@link NetworkOutputs}, run
 * by the real network ({@link InferenceRunner}) or by the zero-cost {@link StandInBackend} used to
 * measure the pipeline without the model. Normalisation before and softmax, top-k and taps after
 * belong to {@link Classifier}. Used by one thread, which creates and closes it.
 */
public interface Backend extends AutoCloseable {

  /**
   * Runs one batch of {@code n} images laid out as n x 3 x 32 x 32 floats at the start of {@code
   * pixels} (the array may be longer and is reused by the caller).
   */
  NetworkOutputs forward(float[] pixels, int n);

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
