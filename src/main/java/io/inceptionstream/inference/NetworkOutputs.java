package io.inceptionstream.inference;

import io.inceptionstream.model.Tap;
import java.util.List;

/**
 * What one forward pass returns before any post-processing: the raw logits and the raw (not yet
 * normalised) tap values, copied out of the engine into fresh Java arrays that the receiver owns
 * and may change in place. {@link Classifier} turns them into an {@link InferenceResult}.
 *
 * @param size images in the batch
 * @param classes classes per image
 * @param logits row-major size x classes raw scores
 * @param taps the taps, in the order of {@code tapValues}
 * @param tapValues one row-major size x dimension array per tap
 */
public record NetworkOutputs(
    int size, int classes, float[] logits, List<Tap> taps, List<float[]> tapValues) {

  public NetworkOutputs {
    taps = List.copyOf(taps);
    tapValues = List.copyOf(tapValues);
    if ((long) size * classes != logits.length) {
      throw new IllegalArgumentException(
          logits.length + " logits for " + size + " images of " + classes + " classes");
    }
    if (taps.size() != tapValues.size()) {
      throw new IllegalArgumentException(
          tapValues.size() + " tap arrays for " + taps.size() + " taps");
    }
    for (int t = 0; t < taps.size(); t++) {
      if ((long) size * taps.get(t).dimension() != tapValues.get(t).length) {
        throw new IllegalArgumentException(
            "Tap "
                + taps.get(t).name()
                + " has "
                + tapValues.get(t).length
                + " values for "
                + size
                + " images of dimension "
                + taps.get(t).dimension());
      }
    }
  }
}
