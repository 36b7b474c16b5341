/**
 * Labelled data sets (generated shapes, image folders, CIFAR-10 binaries, IDX files such as
 * Fashion-MNIST), the training loop with auxiliary heads, and held-out evaluation through the
 * serving path. Internal: not a stable API.
 */
package io.inceptionstream.train;
