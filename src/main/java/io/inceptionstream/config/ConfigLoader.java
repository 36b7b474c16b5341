package io.inceptionstream.config;

import io.inceptionstream.config.KafkaPassThrough.Split;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layers the configuration sources (defaults, file, environment, flags; later wins), reports every
 * problem at once, resolves the derived defaults and builds the {@link WorkerConfig}. Stateless.
 */
final class ConfigLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** {@code worker.id} when it is empty and the host name cannot be read. */
  static final String FALLBACK_WORKER_ID = "worker";

  private static final String KAFKA_ENV_PREFIX = WorkerConfigDef.ENV_PREFIX + "KAFKA_";

  private static final String KAFKA_HINT =
      " (Kafka client properties go under kafka., kafka.consumer., kafka.producer. or kafka.admin.)";

  private ConfigLoader() {}

  /**
   * See {@link WorkerConfig#load}.
   *
   * @param hostName the host name, or {@code null} when it cannot be read; asked only when {@code
   *     worker.id} is empty
   */
  static WorkerConfig load(
      Path file, Map<String, String> env, Map<String, String> flags, Supplier<String> hostName) {
    List<String> problems = new ArrayList<>();
    Map<String, String> settings = new LinkedHashMap<>();
    if (file != null) {
      Properties properties = read(file);
      for (String name : new TreeSet<>(properties.stringPropertyNames())) {
        accept(name, properties.getProperty(name), "in file " + file, settings, problems);
      }
    }
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (e.getKey().startsWith(WorkerConfigDef.ENV_PREFIX)) {
        Optional<String> key = keyOfEnv(e.getKey());
        if (key.isPresent()) {
          settings.put(key.get(), e.getValue());
        } else {
          problems.add(unknownEnv(e.getKey()));
        }
      }
    }
    for (Map.Entry<String, String> e : flags.entrySet()) {
      accept(e.getKey(), e.getValue(), "on the command line", settings, problems);
    }

    Map<String, Object> typed = new LinkedHashMap<>();
    for (ConfigKey<?> k : WorkerConfigDef.keys()) {
      String text = settings.getOrDefault(k.name(), k.defaultValue());
      if (text == null) {
        typed.put(k.name(), null); // reported as missing below
        continue;
      }
      try {
        typed.put(k.name(), k.parse(text));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    resolveDerivedDefaults(typed, hostName);
    problems.addAll(WorkerConfigDef.problems(typed));

    Map<String, String> kafka = new LinkedHashMap<>();
    settings.forEach(
        (key, value) -> {
          if (key.startsWith(KafkaPassThrough.PREFIX) && WorkerConfigDef.find(key).isEmpty()) {
            kafka.put(key, value);
          }
        });
    Map<String, String> clientFile = Map.of();
    if (typed.get(WorkerConfigDef.KAFKA_CONFIG.name()) instanceof String path && !path.isEmpty()) {
      // read only once its text passed the key's rule, so Path.of cannot fail
      clientFile = KafkaClientProperties.read(Path.of(path), problems);
    }
    Split split = KafkaPassThrough.split(kafka, clientFile, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new WorkerConfig(typed, split.consumer(), split.producer(), split.admin());
  }

  /**
   * The key an {@code INCEPTION_STREAM_*} variable sets: a declared key by its {@link
   * WorkerConfigDef#envName}, or for {@code INCEPTION_STREAM_KAFKA_*} a pass-through key with every
   * {@code _} read as {@code .} ({@code INCEPTION_STREAM_KAFKA_CONSUMER_FETCH_MIN_BYTES} is {@code
   * kafka.consumer.fetch.min.bytes}).
   */
  static Optional<String> keyOfEnv(String variable) {
    if (variable.startsWith(KAFKA_ENV_PREFIX)) {
      String rest = variable.substring(WorkerConfigDef.ENV_PREFIX.length());
      return Optional.of(rest.toLowerCase(Locale.ROOT).replace('_', '.'));
    }
    for (ConfigKey<?> k : WorkerConfigDef.keys()) {
      if (WorkerConfigDef.envName(k.name()).equals(variable)) {
        return Optional.of(k.name());
      }
    }
    return Optional.empty();
  }

  /** The host name, or {@code null} when it cannot be read. */
  static String localHostName() {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name == null || name.isBlank() ? null : name;
    } catch (IOException | SecurityException e) {
      LOG.warn(
          "Cannot read the host name ({}: {}); {} defaults to {}",
          e.getClass().getName(),
          e.getMessage(),
          WorkerConfigDef.WORKER_ID.name(),
          FALLBACK_WORKER_ID);
      return null;
    }
  }

  private static void resolveDerivedDefaults(Map<String, Object> typed, Supplier<String> hostName) {
    if ("auto".equals(typed.get(WorkerConfigDef.GROUP_STATIC_MEMBERSHIP.name()))) {
      // Static only with an id someone chose: two workers on one host share its host name.
      Object id = typed.get(WorkerConfigDef.WORKER_ID.name());
      typed.put(
          WorkerConfigDef.GROUP_STATIC_MEMBERSHIP.name(),
          id instanceof String s && !s.isEmpty() ? "on" : "off");
    }
    if ("".equals(typed.get(WorkerConfigDef.WORKER_ID.name()))) {
      String host = hostName.get();
      typed.put(
          WorkerConfigDef.WORKER_ID.name(),
          host == null || host.isBlank() ? FALLBACK_WORKER_ID : host);
    }
    if ("".equals(typed.get(WorkerConfigDef.EXACTLY_ONCE_TRANSACTIONAL_ID.name()))) {
      Object group = typed.get(WorkerConfigDef.GROUP.name());
      Object worker = typed.get(WorkerConfigDef.WORKER_ID.name());
      if (group != null && worker != null) {
        typed.put(
            WorkerConfigDef.EXACTLY_ONCE_TRANSACTIONAL_ID.name(),
            "inception-stream-" + group + "-" + worker);
      } else {
        // its inputs are already reported; a second complaint would only repeat them
        typed.remove(WorkerConfigDef.EXACTLY_ONCE_TRANSACTIONAL_ID.name());
      }
    }
  }

  private static void accept(
      String name,
      String value,
      String source,
      Map<String, String> settings,
      List<String> problems) {
    if (WorkerConfigDef.find(name).isEmpty() && !name.startsWith(KafkaPassThrough.PREFIX)) {
      List<String> names = WorkerConfigDef.keys().stream().map(ConfigKey::name).toList();
      problems.add(
          "Unknown configuration "
              + name
              + " "
              + source
              + Suggestions.closest(name, names)
                  .map(s -> "; did you mean " + s + "?")
                  .orElse(KAFKA_HINT));
    } else if (value == null) {
      problems.add("Missing value for configuration " + name + " " + source);
    } else {
      settings.put(name, value);
    }
  }

  private static String unknownEnv(String variable) {
    // compared without the prefix, which every candidate shares
    int prefix = WorkerConfigDef.ENV_PREFIX.length();
    Map<String, String> byEnv = new LinkedHashMap<>();
    for (ConfigKey<?> k : WorkerConfigDef.keys()) {
      byEnv.put(WorkerConfigDef.envName(k.name()).substring(prefix), k.name());
    }
    return "Unknown configuration "
        + variable
        + " in the environment"
        + Suggestions.closest(variable.substring(prefix), byEnv.keySet())
            .map(
                s ->
                    "; did you mean " + WorkerConfigDef.ENV_PREFIX + s + " (" + byEnv.get(s) + ")?")
            .orElse(" (Kafka client properties go under " + KAFKA_ENV_PREFIX + ")");
  }

  private static Properties read(Path file) {
    return PropertiesFile.read(file, "configuration file");
  }
}
