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

  /** The shipped model of this checkout. */
  public static Path shipped() {
    return Path.of("models", "googlenet-shapes");
  }
}
