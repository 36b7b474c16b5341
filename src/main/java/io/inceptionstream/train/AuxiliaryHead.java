package io.inceptionstream.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import io.inceptionstream.inference.SymbolGraph;

/**
 * A GoogLeNet auxiliary classifier, adapted to the 16x16 maps of {@code a4} and {@code d4}: 5x5
 * average pool with stride 3 (to 4x4, as in the paper's 14x14 to 4x4), 1x1 convolution to 128
 * channels with BatchNorm and ReLU, a 1024-unit fully connected layer with ReLU, dropout 0.7 and
 * the class scores. Used only while training.
 */
final class AuxiliaryHead {

  /** The paper's dropout rate before the head's classifier. */
  static final float DROPOUT = 0.7f;

  /** The head's average pool: 5x5, stride 3, no padding. */
  static final int POOL = 5;

  static final int POOL_STRIDE = 3;

  /** Channels of the head's 1x1 convolution and units of its hidden layer. */
  static final int CHANNELS = 128;

  static final int HIDDEN = 1024;

  private AuxiliaryHead() {}

  static Block create(int classes, float dropout) {
    return new SequentialBlock()
        .add(
            x ->
                new NDList(
                    Pool.avgPool2d(
                        x.singletonOrThrow(),
                        new Shape(POOL, POOL),
                        new Shape(POOL_STRIDE, POOL_STRIDE),
                        new Shape(0, 0),
                        false,
                        true)))
        .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(CHANNELS).build())
        .add(BatchNorm.builder().build())
        .add(Activation::relu)
        .add(
            x ->
                new NDList(
                    x.singletonOrThrow().reshape(x.singletonOrThrow().getShape().get(0), -1)))
        .add(Linear.builder().setUnits(HIDDEN).build())
        .add(Activation::relu)
        .add(Dropout.builder().optRate(dropout).build())
        .add(Linear.builder().setUnits(classes).build());
  }

  /** The same head in a compiled graph, consuming its parameters in declaration order. */
  static int compile(SymbolGraph graph, int input, int classes, float dropout, String name) {
    int x = graph.averagePool(input, POOL, POOL_STRIDE);
    x = graph.convBnRelu(x, CHANNELS, 1);
    x = graph.flatten(x, name + "_flatten");
    x = graph.relu(graph.fullyConnected(x, HIDDEN, name + "_hidden"));
    return graph.fullyConnected(graph.dropout(x, dropout), classes, name + "_scores");
  }

  /** Input shape of a head reading a module output with {@code channels} at 16x16. */
  static Shape inputShape(long n, int channels) {
    return new Shape(n, channels, 16, 16);
  }

  static void initialize(Block head, NDManager manager, int channels) {
    head.initialize(manager, DataType.FLOAT32, inputShape(1, channels));
  }
}
