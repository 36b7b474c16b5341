package io.inceptionstream.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/** Small block factories shared by the network and its training heads. */
final class Layers {

  private Layers() {}

  /** A convolution with bias, "same" padding and stride 1, then BatchNorm and ReLU. */
  static SequentialBlock convBnRelu(int filters, int kernel) {
    return new SequentialBlock()
        .add(
            Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .setFilters(filters)
                .build())
        .add(BatchNorm.builder().build())
        .add(Activation::relu);
  }
}
