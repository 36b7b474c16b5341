package io.inceptionstream.testing;

import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.model.ModelInitializer;
import io.inceptionstream.train.ShapeGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Model directories for tests: a seeded random GoogLeNet whose labels are the shape classes (its
 * predictions are real forward passes, just not accurate ones), created once per JVM.
 */
public final class TestModels {

  private static ModelDirectory random;

  private TestModels() {}

  /** The shared random 10-class model. */
  public static synchronized ModelDirectory random() {
    if (random == null) {
      Engines.ready();
      try {
        Path dir = Files.createTempDirectory("inception-test-model");
        dir.toFile().deleteOnExit();
        random =
            ModelInitializer.create(
                dir, 10, 7, ShapeGenerator.CLASSES, "test-googlenet", "0.1.0-test", "MXNet");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return random;
  }

  /** The shapes model shipped in this checkout (generated shapes, 10 classes). */
  public static Path shipped() {
    return Path.of("models", "googlenet-shapes");
  }

  /** The default model shipped in this checkout: GoogLeNet trained on Fashion-MNIST. */
  public static Path fashion() {
    return Path.of("models", "googlenet-fashion");
  }

  /**
   * Skips the calling test unless Debian's {@code dataset-fashion-mnist} is installed; fails it
   * instead where {@code CI=true} ({@code .ci/run} installs the package).
   */
  public static void requireFashionMnist() {
    if (java.nio.file.Files.isDirectory(io.inceptionstream.train.LabeledImages.FASHION_MNIST_DIR)) {
      return;
    }
    String message =
        "dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)";
    if ("true".equals(System.getenv("CI"))) {
      org.junit.jupiter.api.Assertions.fail(
          "CI=true, so the full test set must be used: " + message);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(false, message);
  }
}
