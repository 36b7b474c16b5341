package io.inceptionstream.inference;

import java.util.ArrayList;
import java.util.List;

/**
 * A class index with its probability.
 *
 * @param index the class index
 * @param probability its softmax probability
 */
public record Scored(int index, float probability) {

  /**
   * The {@code k} largest of {@code values[offset .. offset+length)}, largest first, ties by index.
   */
  public static List<Scored> topK(float[] values, int offset, int length, int k) {
    int n = Math.min(k, length);
    List<Scored> out = new ArrayList<>(n);
    boolean[] taken = new boolean[length];
    for (int r = 0; r < n; r++) {
      int best = -1;
      for (int i = 0; i < length; i++) {
        if (!taken[i] && (best < 0 || values[offset + i] > values[offset + best])) {
          best = i;
        }
      }
      taken[best] = true;
      out.add(new Scored(best, values[offset + best]));
    }
    return out;
  }

  /** Softmax over each row of a row-major matrix, computed stably. */
  public static float[] softmaxRows(float[] logits, int rows, int cols) {
    float[] out = new float[logits.length];
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        max = Math.max(max, logits[base + c]);
      }
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        double e = Math.exp(logits[base + c] - max);
        out[base + c] = (float) e;
        sum += e;
      }
      for (int c = 0; c < cols; c++) {
        out[base + c] = (float) (out[base + c] / sum);
      }
    }
    return out;
  }

  /** L2-normalises each row in place; a zero row stays zero. */
  public static void normalizeRows(float[] values, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        sum += (double) values[base + c] * values[base + c];
      }
      if (sum > 0) {
        float inv = (float) (1.0 / Math.sqrt(sum));
        for (int c = 0; c < cols; c++) {
          values[base + c] *= inv;
        }
      }
    }
  }
}
