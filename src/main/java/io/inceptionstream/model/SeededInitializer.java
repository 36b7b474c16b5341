package io.inceptionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Fills an initialised block's parameters from a seeded Java generator, so a seed gives the same
 * model on every engine and machine: Xavier-uniform weights, zero biases and BN beta, unit BN
 * gamma, and BN running statistics of 0 and 1.
 */
public final class SeededInitializer {

  private SeededInitializer() {}

  /** Overwrites every parameter of {@code block}; parameters are visited in declaration order. */
  public static void initialize(Block block, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray array = p.getValue().getArray();
      Shape shape = array.getShape();
      float[] values = new float[Math.toIntExact(shape.size())];
      switch (p.getValue().getType()) {
        case WEIGHT -> {
          long receptive = shape.size() / (shape.get(0) * shape.get(1));
          long fanIn = shape.get(1) * receptive;
          long fanOut = shape.get(0) * receptive;
          double bound = Math.sqrt(6.0 / (fanIn + fanOut));
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
          }
        }
        case GAMMA, RUNNING_VAR -> Arrays.fill(values, 1f);
        default -> Arrays.fill(values, 0f);
      }
      array.set(FloatBuffer.wrap(values));
    }
  }
}
