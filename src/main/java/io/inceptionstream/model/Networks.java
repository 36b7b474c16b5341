package io.inceptionstream.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/** Counting helpers over initialised DJL blocks. */
public final class Networks {

  private Networks() {}

  /** Elements of every parameter that takes gradients (weights, biases, BN gamma and beta). */
  public static long trainableParameters(Block block) {
    long total = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        total += p.getValue().getArray().size();
      }
    }
    return total;
  }

  /** Elements of parameters that take no gradient (BN running mean and variance). */
  public static long frozenParameters(Block block) {
    long total = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (!p.getValue().requiresGradient()) {
        total += p.getValue().getArray().size();
      }
    }
    return total;
  }
}
