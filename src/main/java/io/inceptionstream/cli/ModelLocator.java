package io.inceptionstream.cli;

import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds model directories for commands: an explicit {@code --model}, else {@code
 * INCEPTION_STREAM_MODEL}, else the shipped Fashion-MNIST model. Shipped models are looked up in
 * the directory named by the system property {@value #MODELS_PROPERTY} (the launcher points it at
 * the checkout's {@code models/}) or in {@code models/} under the working directory.
 */
final class ModelLocator {

  /** The default model: the seed's GoogLeNet trained on Fashion-MNIST. */
  static final String FASHION = "googlenet-fashion";

  /** The model trained on generated shapes (tests, {@code demo --shapes}). */
  static final String SHAPES = "googlenet-shapes";

  /** System property naming the directory of shipped models. */
  static final String MODELS_PROPERTY = "inception.stream.models";

  private ModelLocator() {}

  /** Opens an explicit directory, turning validation failures into a clear CLI error. */
  static ModelDirectory open(Path dir) {
    try {
      return ModelDirectory.open(dir);
    } catch (InvalidModelException e) {
      throw new CliException(e.getMessage(), 1);
    }
  }

  /** Opens {@code dir}, or the default model when {@code dir} is null. */
  static ModelDirectory openOrDefault(Path dir) {
    if (dir != null) {
      return open(dir);
    }
    String env = System.getenv("INCEPTION_STREAM_MODEL");
    if (env != null && !env.isBlank()) {
      return open(Path.of(env));
    }
    return openShipped(FASHION);
  }

  /** Opens a shipped model by name. */
  static ModelDirectory openShipped(String name) {
    Path dir = shipped(name);
    if (Files.isDirectory(dir)) {
      return open(dir);
    }
    throw new CliException(
        "No --model given and no shipped model at "
            + dir.toAbsolutePath()
            + " (run bin/inception-stream from a checkout, set INCEPTION_STREAM_MODEL or pass"
            + " --model DIR)",
        2);
  }

  /** Where a shipped model lives. */
  static Path shipped(String name) {
    String root = System.getProperty(MODELS_PROPERTY);
    return (root != null && !root.isBlank() ? Path.of(root) : Path.of("models")).resolve(name);
  }
}
