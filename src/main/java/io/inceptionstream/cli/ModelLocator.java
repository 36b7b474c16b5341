package io.inceptionstream.cli;

import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds model directories for commands: an explicit {@code --model}, or the shipped model. */
final class ModelLocator {

  /** Where the shipped model lives in a checkout. */
  static final Path SHIPPED = Path.of("models", "googlenet-shapes");

  private ModelLocator() {}

  /** Opens an explicit directory, turning validation failures into a clear CLI error. */
  static ModelDirectory open(Path dir) {
    try {
      return ModelDirectory.open(dir);
    } catch (InvalidModelException e) {
      throw new CliException(e.getMessage(), 1);
    }
  }

  /** Opens {@code dir}, or the shipped model when {@code dir} is null. */
  static ModelDirectory openOrDefault(Path dir) {
    if (dir != null) {
      return open(dir);
    }
    String env = System.getenv("INCEPTION_STREAM_MODEL");
    if (env != null && !env.isBlank()) {
      return open(Path.of(env));
    }
    if (Files.isDirectory(SHIPPED)) {
      return open(SHIPPED);
    }
    throw new CliException(
        "No --model given and no shipped model at "
            + SHIPPED.toAbsolutePath()
            + " (set INCEPTION_STREAM_MODEL or pass --model DIR)",
        2);
  }
}
