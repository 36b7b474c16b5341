package io.inceptionstream.cli;

import io.inceptionstream.train.LabeledImages;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where labelled images come from: exactly one of an image folder, CIFAR-10 binaries, or shapes.
 */
final class DataOptions {

  @Option(names = "--data", description = "Image folder with one subfolder per class.")
  Path folder;

  @Option(
      names = "--cifar10",
      description = "Directory with CIFAR-10's binary files (data_batch_1..5.bin, test_batch.bin).")
  Path cifar10;

  @Option(names = "--shapes", description = "Generate N procedural shapes (see 'dataset shapes').")
  Integer shapes;

  String describe() {
    if (folder != null) {
      return "--data " + folder;
    }
    return cifar10 != null ? "--cifar10 " + cifar10 : "--shapes " + shapes;
  }

  /**
   * Loads the chosen source.
   *
   * @param trainSplit CIFAR-10's training batches when true, its test batch otherwise
   * @param seed seed for generated shapes
   */
  LabeledImages load(boolean trainSplit, long seed) {
    try {
      if (folder != null) {
        return LabeledImages.folder(folder);
      }
      if (cifar10 != null) {
        return LabeledImages.cifar10(cifar10, trainSplit);
      }
      if (shapes < 1) {
        throw new CliException(
            "Invalid value " + shapes + " for option --shapes: must be at least 1", 2);
      }
      return LabeledImages.shapes(shapes, seed);
    } catch (IOException e) {
      throw new CliException("Cannot load data (" + describe() + "): " + Main.describe(e), 1);
    }
  }
}
