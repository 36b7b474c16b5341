package io.inceptionstream.cli;

import io.inceptionstream.train.LabeledImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where labelled images come from: exactly one of an image folder, CIFAR-10 binaries, an IDX set
 * (MNIST's format: Fashion-MNIST, MNIST, KMNIST) or generated shapes.
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

  @Option(
      names = "--idx",
      arity = "0..1",
      fallbackValue = "/usr/share/datasets/fashion-mnist",
      paramLabel = "DIR",
      description =
          "IDX data set (MNIST format: train-/t10k-images-idx3-ubyte[.gz] and -labels-idx1-ubyte[.gz]);"
              + " without DIR, Fashion-MNIST from Debian's dataset-fashion-mnist package"
              + " (/usr/share/datasets/fashion-mnist).")
  Path idx;

  /** Class names of an IDX set, one per line; default: Fashion-MNIST's ten. */
  static List<String> idxClasses(Path labelsFile) {
    if (labelsFile == null) {
      return LabeledImages.FASHION_MNIST_CLASSES;
    }
    try {
      List<String> names =
          Files.readAllLines(labelsFile).stream()
              .map(String::strip)
              .filter(l -> !l.isEmpty())
              .toList();
      if (names.size() < 2) {
        throw new CliException(labelsFile + " must name at least two classes, one per line", 2);
      }
      return names;
    } catch (IOException e) {
      throw new CliException("Cannot read --labels " + labelsFile + ": " + Main.describe(e), 2);
    }
  }

  /**
   * An IDX directory that must exist: a clear message naming Debian's package when it is the
   * default.
   */
  static Path idxDir(Path dir) {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    if (dir.equals(LabeledImages.FASHION_MNIST_DIR)) {
      throw new CliException(
          "Fashion-MNIST is not installed at "
              + dir
              + ": install Debian's package with 'apt-get install dataset-fashion-mnist', or pass"
              + " --idx DIR",
          1);
    }
    throw new CliException("--idx " + dir + " is not a directory", 1);
  }

  String describe() {
    if (folder != null) {
      return "--data " + folder;
    }
    if (idx != null) {
      return "--idx " + idx;
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
    return load(trainSplit, seed, null, null, Integer.MAX_VALUE);
  }

  /**
   * Loads the chosen source.
   *
   * @param classes a model's labels: image folders are matched to them by name; null takes the
   *     folders as the classes
   * @param labelsFile class names of an IDX set, or null for Fashion-MNIST's
   * @param limit most images of an IDX set
   */
  LabeledImages load(
      boolean trainSplit, long seed, List<String> classes, Path labelsFile, int limit) {
    try {
      if (folder != null) {
        return LabeledImages.folder(folder, classes);
      }
      if (idx != null) {
        return LabeledImages.idx(idxDir(idx), trainSplit, idxClasses(labelsFile), limit);
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
