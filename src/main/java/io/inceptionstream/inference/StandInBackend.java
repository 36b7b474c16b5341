package io.inceptionstream.inference;

import io.inceptionstream.model.Tap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A zero-cost stand-in for the network: answers every image with the same logits (class 0 highest)
 * and tap values of all ones of the right sizes, without computing anything. It exists to measure
 * the pipeline around the model (Kafka, decoding, batching, publishing); never serve it.
 * Thread-confined like the real backend.
 */
public final class StandInBackend implements Backend {

  private final int classes;
  private final List<Tap> taps;

  /**
   * @param options only the taps are read; {@link Classifier} normalises them like the real ones
   */
  public StandInBackend(int classes, RunnerOptions options) {
    this.classes = classes;
    this.taps = options.taps();
  }

  @Override
  public NetworkOutputs forward(float[] pixels, int n) {
    float[] logits = new float[n * classes];
    for (int i = 0; i < n; i++) {
      logits[i * classes] = 1f;
    }
    List<float[]> values = new ArrayList<>(taps.size());
    for (Tap t : taps) {
      float[] e = new float[n * t.dimension()];
      Arrays.fill(e, 1f);
      values.add(e);
    }
    return new NetworkOutputs(n, classes, logits, taps, values);
  }

  @Override
  public void warmUp(int... batchSizes) {
    // Nothing to warm.
  }

  @Override
  public String engine() {
    return Engines.STAND_IN;
  }

  @Override
  public boolean compiled() {
    return false;
  }

  @Override
  public void close() {
    // Nothing to release.
  }
}
