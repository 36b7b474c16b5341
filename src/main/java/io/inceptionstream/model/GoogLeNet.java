package io.inceptionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The seed's GoogLeNet as a DJL block: 3x3 stem, nine Inception modules with two stride-2
 * max-pools, global average pooling to 1024 and one linear layer. {@link #forward} returns the
 * logits first, then one pooled vector per configured {@link Tap}, all from one pass. Taps own no
 * parameters, so the same parameter file loads whatever taps are chosen. Not thread-safe.
 */
public final class GoogLeNet extends AbstractBlock {

  private static final byte VERSION = 1;

  private final int classes;
  private final List<Tap> taps;
  private final Block stem;
  private final List<Inception> modules = new ArrayList<>();
  private final Block classifier;

  /**
   * Builds the network.
   *
   * @param classes number of output classes, at least 2
   * @param taps embedding taps returned after the logits, in this order
   */
  public GoogLeNet(int classes, List<Tap> taps) {
    super(VERSION);
    if (classes < 2) {
      throw new IllegalArgumentException("Invalid class count " + classes + ": must be at least 2");
    }
    this.classes = classes;
    this.taps = List.copyOf(taps);
    stem = addChildBlock("pre", Layers.convBnRelu(Architecture.STEM, 3));
    for (InceptionSpec spec : Architecture.MODULES) {
      modules.add(addChildBlock(spec.name(), new Inception(spec)));
    }
    classifier = addChildBlock("fc", Linear.builder().setUnits(classes).build());
  }

  /** Number of classes the linear layer scores. */
  public int classes() {
    return classes;
  }

  /** The taps returned after the logits. */
  public List<Tap> taps() {
    return taps;
  }

  /** The stem convolution block. */
  public Block stem() {
    return stem;
  }

  /** The Inception modules in forward order. */
  public List<Inception> modules() {
    return List.copyOf(modules);
  }

  /** The final linear layer. */
  public Block classifier() {
    return classifier;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray[] pooled = new NDArray[Architecture.MODULES.size()];
    NDArray logits =
        forwardTrunk(
            parameterStore,
            inputs.singletonOrThrow(),
            training,
            params,
            (spec, out) -> {
              if (needsTap(spec.name())) {
                pooled[Architecture.MODULES.indexOf(spec)] = globalAveragePool(out);
              }
            });
    NDList result = new NDList(1 + taps.size());
    result.add(logits);
    for (Tap tap : taps) {
      NDArray whole = pooled[Architecture.MODULES.indexOf(tap.spec())];
      result.add(
          tap.branch() == 0
              ? whole
              : whole.get(new NDIndex(":, {}:{}", tap.offset(), tap.offset() + tap.dimension())));
    }
    return result;
  }

  /**
   * Runs the network once and hands every Inception module's raw output to {@code moduleOutputs} as
   * it is produced (the training heads read {@code a4} and {@code d4} this way).
   *
   * @return the logits, N x classes
   */
  public NDArray forwardTrunk(
      ParameterStore parameterStore,
      NDArray input,
      boolean training,
      PairList<String, Object> params,
      BiConsumer<InceptionSpec, NDArray> moduleOutputs) {
    NDArray x =
        stem.forward(parameterStore, new NDList(input), training, params).singletonOrThrow();
    for (Inception module : modules) {
      x = module.forward(parameterStore, new NDList(x), training, params).singletonOrThrow();
      moduleOutputs.accept(module.spec(), x);
      if (Architecture.poolsAfter(module.spec().name())) {
        x = downsample(x);
      }
    }
    NDArray features = globalAveragePool(x);
    return classifier
        .forward(parameterStore, new NDList(features), training, params)
        .singletonOrThrow();
  }

  private boolean needsTap(String module) {
    for (Tap tap : taps) {
      if (tap.module().equals(module)) {
        return true;
      }
    }
    return false;
  }

  /** 3x3 max-pool, stride 2, padding 1: halves the spatial size. */
  static NDArray downsample(NDArray x) {
    return Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
  }

  /** Mean over height and width: N x C x H x W to N x C. */
  static NDArray globalAveragePool(NDArray x) {
    // The pooling kernel is several times faster than a mean reduction on MXNet's CPU build.
    NDArray pooled = Pool.globalAvgPool2d(x);
    return pooled.getShape().dimension() == 2
        ? pooled
        : pooled.reshape(x.getShape().get(0), x.getShape().get(1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    Shape[] shapes = new Shape[1 + taps.size()];
    shapes[0] = new Shape(n, classes);
    for (int i = 0; i < taps.size(); i++) {
      shapes[i + 1] = new Shape(n, taps.get(i).dimension());
    }
    return shapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape shape = inputShapes[0];
    stem.initialize(manager, dataType, shape);
    shape = stem.getOutputShapes(new Shape[] {shape})[0];
    for (Inception module : modules) {
      module.initialize(manager, dataType, shape);
      shape = module.getOutputShapes(new Shape[] {shape})[0];
      if (Architecture.poolsAfter(module.spec().name())) {
        shape =
            new Shape(shape.get(0), shape.get(1), (shape.get(2) + 1) / 2, (shape.get(3) + 1) / 2);
      }
    }
    classifier.initialize(manager, dataType, new Shape(shape.get(0), shape.get(1)));
  }

  /** Builds an input shape for a batch of {@code n} images. */
  public static Shape inputShape(long n) {
    return new Shape(n, Architecture.CHANNELS, Architecture.SIZE, Architecture.SIZE);
  }
}
