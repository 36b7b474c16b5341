package io.inceptionstream.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Analytic sizes of the seed's network, computed from {@link Architecture} alone: output shapes,
 * parameters and multiply-accumulates (MACs) per layer, and the seed's comparison of each Inception
 * module with and without its 1x1 reductions. Counts include convolution and linear weights and
 * biases and BatchNorm gamma and beta; MACs count convolutions and the linear layer.
 */
public final class Complexity {

  /**
   * One row of the layer table.
   *
   * @param name layer name
   * @param outputShape channels, height, width (or just features)
   * @param parameters trainable parameters
   * @param macs multiply-accumulates per image
   */
  public record Layer(String name, List<Integer> outputShape, long parameters, long macs) {}

  /**
   * One module with and without its 1x1 reductions ("naive": the 3x3 and "5x5" read the input
   * directly and the pool branch passes all input channels through unprojected).
   *
   * @param module module name
   * @param reducedParameters parameters as built
   * @param naiveParameters parameters without the reductions
   * @param reducedMacs MACs per image as built
   * @param naiveMacs MACs per image without the reductions
   * @param reducedOutChannels output channels as built
   * @param naiveOutChannels output channels without the pool projection
   */
  public record ModuleComparison(
      String module,
      long reducedParameters,
      long naiveParameters,
      long reducedMacs,
      long naiveMacs,
      int reducedOutChannels,
      int naiveOutChannels) {}

  private Complexity() {}

  /** The layer table for a network with {@code classes} outputs. */
  public static List<Layer> layers(int classes) {
    List<Layer> rows = new ArrayList<>();
    int s = Architecture.SIZE;
    rows.add(
        new Layer(
            "pre",
            List.of(Architecture.STEM, s, s),
            conv(Architecture.CHANNELS, Architecture.STEM, 3),
            convMacs(Architecture.CHANNELS, Architecture.STEM, 3, s)));
    for (InceptionSpec m : Architecture.MODULES) {
      rows.add(
          new Layer(
              m.name(),
              List.of(m.out(), m.spatial(), m.spatial()),
              reducedParameters(m),
              reducedMacs(m)));
      if (Architecture.poolsAfter(m.name())) {
        int half = (m.spatial() + 1) / 2;
        rows.add(new Layer("pool_" + m.name(), List.of(m.out(), half, half), 0, 0));
      }
    }
    rows.add(new Layer("gap", List.of(Architecture.FEATURES), 0, 0));
    rows.add(
        new Layer(
            "fc",
            List.of(classes),
            (long) Architecture.FEATURES * classes + classes,
            (long) Architecture.FEATURES * classes));
    return rows;
  }

  /** Trainable parameters of the whole network. */
  public static long trainableParameters(int classes) {
    return layers(classes).stream().mapToLong(Layer::parameters).sum();
  }

  /** MACs per image of the whole network. */
  public static long macs(int classes) {
    return layers(classes).stream().mapToLong(Layer::macs).sum();
  }

  /** BatchNorm running means and variances: two per convolution output channel. */
  public static long runningStatistics() {
    long total = 2L * Architecture.STEM;
    for (InceptionSpec m : Architecture.MODULES) {
      total += 2L * (m.n1() + m.r3() + m.n3() + m.r5() + 2L * m.n5() + m.pool());
    }
    return total;
  }

  /** The seed's comparison, one row per module. */
  public static List<ModuleComparison> comparison() {
    List<ModuleComparison> rows = new ArrayList<>();
    for (InceptionSpec m : Architecture.MODULES) {
      int s = m.spatial();
      long naiveParams =
          conv(m.in(), m.n1(), 1)
              + conv(m.in(), m.n3(), 3)
              + conv(m.in(), m.n5(), 3)
              + conv(m.n5(), m.n5(), 3);
      long naiveMacs =
          convMacs(m.in(), m.n1(), 1, s)
              + convMacs(m.in(), m.n3(), 3, s)
              + convMacs(m.in(), m.n5(), 3, s)
              + convMacs(m.n5(), m.n5(), 3, s);
      rows.add(
          new ModuleComparison(
              m.name(),
              reducedParameters(m),
              naiveParams,
              reducedMacs(m),
              naiveMacs,
              m.out(),
              m.n1() + m.n3() + m.n5() + m.in()));
    }
    return rows;
  }

  private static long reducedParameters(InceptionSpec m) {
    return conv(m.in(), m.n1(), 1)
        + conv(m.in(), m.r3(), 1)
        + conv(m.r3(), m.n3(), 3)
        + conv(m.in(), m.r5(), 1)
        + conv(m.r5(), m.n5(), 3)
        + conv(m.n5(), m.n5(), 3)
        + conv(m.in(), m.pool(), 1);
  }

  private static long reducedMacs(InceptionSpec m) {
    int s = m.spatial();
    return convMacs(m.in(), m.n1(), 1, s)
        + convMacs(m.in(), m.r3(), 1, s)
        + convMacs(m.r3(), m.n3(), 3, s)
        + convMacs(m.in(), m.r5(), 1, s)
        + convMacs(m.r5(), m.n5(), 3, s)
        + convMacs(m.n5(), m.n5(), 3, s)
        + convMacs(m.in(), m.pool(), 1, s);
  }

  /** Weights, bias, BN gamma and beta of a k x k convolution. */
  private static long conv(int in, int out, int k) {
    return (long) in * out * k * k + 3L * out;
  }

  private static long convMacs(int in, int out, int k, int spatial) {
    return (long) in * out * k * k * spatial * spatial;
  }
}
