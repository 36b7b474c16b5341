package io.inceptionstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The dimension-reduced Inception module of the seed: four branches over the same input,
 * concatenated on the channel axis in the order 1x1, 3x3, "5x5" (two 3x3) and pool projection.
 * Padding keeps the spatial size. Not thread-safe; blocks are used by one thread at a time.
 */
public final class Inception extends AbstractBlock {

  private static final byte VERSION = 1;

  private final InceptionSpec spec;
  private final Block[] branches = new Block[4];

  /** Builds the module for one row of the seed's table. */
  public Inception(InceptionSpec spec) {
    super(VERSION);
    this.spec = spec;
    branches[0] = addChildBlock("branch1", Layers.convBnRelu(spec.n1(), 1));
    branches[1] =
        addChildBlock(
            "branch2",
            new SequentialBlock()
                .add(Layers.convBnRelu(spec.r3(), 1))
                .add(Layers.convBnRelu(spec.n3(), 3)));
    branches[2] =
        addChildBlock(
            "branch3",
            new SequentialBlock()
                .add(Layers.convBnRelu(spec.r5(), 1))
                .add(Layers.convBnRelu(spec.n5(), 3))
                .add(Layers.convBnRelu(spec.n5(), 3)));
    branches[3] =
        addChildBlock(
            "branch4",
            new SequentialBlock()
                .add(
                    x ->
                        new NDList(
                            Pool.maxPool2d(
                                x.singletonOrThrow(),
                                new Shape(3, 3),
                                new Shape(1, 1),
                                new Shape(1, 1),
                                false)))
                .add(Layers.convBnRelu(spec.pool(), 1)));
  }

  /** The table row this module was built from. */
  public InceptionSpec spec() {
    return spec;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDList parts = new NDList(4);
    for (Block branch : branches) {
      parts.add(branch.forward(parameterStore, inputs, training, params).singletonOrThrow());
    }
    NDArray out = NDArrays.concat(parts, 1);
    return new NDList(out);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), spec.out(), in.get(2), in.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block branch : branches) {
      branch.initialize(manager, dataType, inputShapes);
    }
  }
}
