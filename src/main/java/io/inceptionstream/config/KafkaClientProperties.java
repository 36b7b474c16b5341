package io.inceptionstream.config;

import io.inceptionstream.config.KafkaPassThrough.Client;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A standard Kafka client properties file, as Kafka's tools take with {@code --command-config} (a
 * {@code client.properties} with {@code security.protocol}, {@code sasl.*}, {@code ssl.*}...): the
 * worker's {@code kafka.config}. Its properties reach the consumer, the producer and the admin
 * client, so a property any of them protects (see {@code docs/configuration.md}) is refused, as in
 * a {@code kafka.*} key. Stateless.
 */
public final class KafkaClientProperties {

  private KafkaClientProperties() {}

  /**
   * Reads and checks a client properties file, for commands that build Kafka clients themselves.
   *
   * @return property → value, sorted by property, unmodifiable; it prints with credentials hidden
   *     ({@link Secret#hidingMap})
   * @throws ConfigException naming the file: when it cannot be read, or listing every property it
   *     sets that is blank or that the worker sets itself
   */
  public static Map<String, String> read(Path file) {
    List<String> problems = new ArrayList<>();
    Map<String, String> properties = read(file, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return properties;
  }

  /**
   * {@link #read(Path)}, adding each problem to {@code problems} instead of throwing; refused
   * properties are left out of the result.
   */
  static Map<String, String> read(Path file, List<String> problems) {
    String where = " in " + KafkaPassThrough.FILE_KEY + " file " + file + ": ";
    Properties properties;
    try {
      properties = PropertiesFile.read(file, KafkaPassThrough.FILE_KEY + " file");
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      return Map.of();
    }
    Map<String, String> accepted = new TreeMap<>();
    for (String property : new TreeSet<>(properties.stringPropertyNames())) {
      String refusal = KafkaPassThrough.refusal(property, List.of(Client.values()));
      if (property.isBlank()) {
        problems.add(
            "Invalid property \""
                + property
                + "\""
                + where
                + "the Kafka property name must not be blank");
      } else if (refusal != null) {
        problems.add("Invalid property " + property + where + refusal);
      } else {
        accepted.put(property, properties.getProperty(property));
      }
    }
    return Secret.hidingMap(accepted);
  }
}
