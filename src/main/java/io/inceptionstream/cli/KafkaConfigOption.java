package io.inceptionstream.cli;

import io.inceptionstream.config.ConfigException;
import io.inceptionstream.config.KafkaClientProperties;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-config FILE}: a standard Kafka client properties file (security settings, as for
 * Kafka's own tools' {@code --command-config} or a {@code client.properties}), applied to every
 * consumer, producer and admin client a command makes. The worker takes it as its {@code
 * kafka.config} key instead (see {@link ConfigOptions}).
 */
final class KafkaConfigOption {

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties file (e.g. security.protocol, sasl.*, ssl.*), applied to every"
              + " Kafka client of this command. Default: none.")
  Path file;

  /**
   * The file's properties, or none.
   *
   * @throws CliException with exit code 2 naming the file and the problem
   */
  Map<String, String> properties() {
    if (file == null) {
      return Map.of();
    }
    try {
      return KafkaClientProperties.read(file);
    } catch (ConfigException e) {
      throw new CliException(ConfigOptions.message(e), 2);
    }
  }
}
