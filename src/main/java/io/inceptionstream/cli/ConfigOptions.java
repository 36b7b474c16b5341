package io.inceptionstream.cli;

import io.inceptionstream.config.ConfigException;
import io.inceptionstream.config.WorkerConfig;
import io.inceptionstream.config.WorkerConfigDef;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}, {@code --kafka-config FILE} and repeatable {@code --set key=value}: the
 * worker configuration's file and flags, loaded with the process environment.
 */
final class ConfigOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Worker configuration, a Java properties file (see docs/configuration.md).")
  Path file;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties file (security.protocol, sasl.*, ssl.*, ...) for every client"
              + " of the worker (key kafka.config); kafka.* keys win over it. Default: none.")
  Path kafkaConfig;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Set a configuration key; repeatable. Wins over the file and INCEPTION_STREAM_* environment variables.")
  Map<String, String> set = new LinkedHashMap<>();

  /** Loads the configuration from the file, the environment and {@code --set}. */
  WorkerConfig load() {
    return load(Map.of());
  }

  /**
   * Loads the configuration from the file, the environment, the given flags (a command's own
   * options, as key → value) and {@code --set}, which wins over them.
   *
   * @throws CliException with exit code 2 listing every problem
   */
  WorkerConfig load(Map<String, String> optionFlags) {
    Map<String, String> flags = new LinkedHashMap<>(optionFlags);
    if (kafkaConfig != null) {
      flags.put(WorkerConfigDef.KAFKA_CONFIG.name(), kafkaConfig.toString());
    }
    flags.putAll(set);
    try {
      return WorkerConfig.load(file, System.getenv(), flags);
    } catch (ConfigException e) {
      throw new CliException(message(e), 2);
    }
  }

  static String message(ConfigException e) {
    if (e.problems().size() == 1) {
      return e.getMessage();
    }
    return e.problems().size() + " configuration problems:\n  " + String.join("\n  ", e.problems());
  }
}
