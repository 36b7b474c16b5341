package io.inceptionstream.inference;

import io.inceptionstream.config.CostCurve;
import io.inceptionstream.model.Tap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A stand-in for the network: answers every image with the same logits (class 0 highest) and tap
 * values of all ones of the right sizes, without computing anything, after the time its {@link
 * CostCurve} gives for the call (none by default). It exists to measure the pipeline around the
 * model (Kafka, decoding, batching, publishing), and with a cost, how that pipeline would feed a
 * device such as a GPU; never serve it. Thread-confined like the real backend.
 */
public final class StandInBackend implements Backend {

  private final int classes;
  private final List<Tap> taps;
  private final CostCurve cost;

  /**
   * @param options the taps ({@link Classifier} normalises them like the real ones) and the cost
   */
  public StandInBackend(int classes, RunnerOptions options) {
    this.classes = classes;
    this.taps = options.taps();
    this.cost = options.standInCost();
  }

  /**
   * Outputs as the model shapes them, after the call's cost has passed. The thread parks rather
   * than spins for that time: a GPU leaves the CPU free while it computes, and the pipeline's other
   * threads must get the cores as they would beside one. An interrupt ends the wait early and stays
   * set.
   */
  @Override
  public NetworkOutputs forward(float[] pixels, int n) {
    long wait = cost.nanos(n);
    if (wait > 0) {
      long deadline = System.nanoTime() + wait;
      // parkNanos may return early (spuriously, or on an interrupt); park again for what is left.
      for (long left = wait; left > 0; left = deadline - System.nanoTime()) {
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
        LockSupport.parkNanos(this, left);
      }
    }
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
