package io.inceptionstream.inference;

import io.inceptionstream.model.Tap;
import java.util.List;

/**
 * The outputs of one forward pass over a batch, as plain Java arrays: row-major logits and softmax
 * probabilities (n x classes) and one n x dimension array per tap.
 *
 * @param size images in the batch
 * @param classes classes per image
 * @param logits n x classes raw scores
 * @param probabilities n x classes softmax of the logits
 * @param taps the taps, in the order of {@code embeddings}
 * @param embeddings one row-major n x dimension array per tap
 * @param normalized whether the embeddings were L2-normalised
 */
public record InferenceResult(
    int size,
    int classes,
    float[] logits,
    float[] probabilities,
    List<Tap> taps,
    List<float[]> embeddings,
    boolean normalized) {

  /** The probabilities of one image. */
  public float[] probabilities(int image) {
    float[] row = new float[classes];
    System.arraycopy(probabilities, image * classes, row, 0, classes);
    return row;
  }

  /** The logits of one image. */
  public float[] logits(int image) {
    float[] row = new float[classes];
    System.arraycopy(logits, image * classes, row, 0, classes);
    return row;
  }

  /** One image's vector of tap {@code t}. */
  public float[] embedding(int t, int image) {
    int dim = taps.get(t).dimension();
    float[] row = new float[dim];
    System.arraycopy(embeddings.get(t), image * dim, row, 0, dim);
    return row;
  }

  /** The {@code k} most probable classes of one image, most probable first. */
  public List<Scored> topK(int image, int k) {
    return Scored.topK(probabilities, image * classes, classes, k);
  }
}
