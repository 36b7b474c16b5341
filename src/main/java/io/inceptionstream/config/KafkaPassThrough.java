package io.inceptionstream.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka client properties passed through from {@code kafka.*} keys: {@code
 * kafka.consumer.<property>}, {@code kafka.producer.<property>} and {@code kafka.admin.<property>}
 * reach one client, {@code kafka.<property>} reaches all three, and the specific key wins; under
 * them all lie the properties of the {@link #FILE_KEY} file. The properties the worker sets itself
 * are refused, with the key to use instead.
 */
final class KafkaPassThrough {

  /** Every pass-through key starts with this. */
  static final String PREFIX = "kafka.";

  /**
   * The one key under {@link #PREFIX} that is a declared worker key, not a pass-through property:
   * it names a Kafka client properties file ({@link KafkaClientProperties}). No Kafka client has a
   * property named {@code config}, so no property is lost to it.
   */
  static final String FILE_KEY = "kafka.config";

  /** Shown instead of the value of a property that may hold a credential. */
  static final String HIDDEN = Secret.HIDDEN;

  /** The three Kafka clients the worker runs. */
  enum Client {
    CONSUMER("consumer"),
    PRODUCER("producer"),
    ADMIN("admin");

    private final String externalName;

    Client(String externalName) {
      this.externalName = externalName;
    }

    String externalName() {
      return externalName;
    }

    /** {@code kafka.consumer.} and so on. */
    String prefix() {
      return PREFIX + externalName + ".";
    }
  }

  /** Property → what to do instead, per client, in documentation order. */
  private static final Map<Client, Map<String, String>> PROTECTED = new EnumMap<>(Client.class);

  static {
    String useBootstrap = "use " + WorkerConfigDef.BOOTSTRAP_SERVERS.name() + " instead";
    Map<String, String> consumer = new LinkedHashMap<>();
    consumer.put("bootstrap.servers", useBootstrap);
    consumer.put("group.id", "use " + WorkerConfigDef.GROUP.name() + " instead");
    consumer.put(
        "enable.auto.commit",
        "it commits offsets once their results are acknowledged (see "
            + WorkerConfigDef.COMMIT_INTERVAL.name()
            + ")");
    consumer.put("key.deserializer", "the wire format fixes it");
    consumer.put("value.deserializer", "the wire format fixes it");
    Map<String, String> producer = new LinkedHashMap<>();
    producer.put("bootstrap.servers", useBootstrap);
    producer.put("key.serializer", "the wire format fixes it");
    producer.put("value.serializer", "the wire format fixes it");
    producer.put(
        "transactional.id",
        "use " + WorkerConfigDef.EXACTLY_ONCE_TRANSACTIONAL_ID.name() + " instead");
    producer.put(
        "enable.idempotence",
        "choose the guarantee with " + WorkerConfigDef.DELIVERY.name() + " instead");
    Map<String, String> admin = new LinkedHashMap<>();
    admin.put("bootstrap.servers", useBootstrap);
    PROTECTED.put(Client.CONSUMER, Collections.unmodifiableMap(consumer));
    PROTECTED.put(Client.PRODUCER, Collections.unmodifiableMap(producer));
    PROTECTED.put(Client.ADMIN, Collections.unmodifiableMap(admin));
  }

  private KafkaPassThrough() {}

  /**
   * The three merged property maps, sorted by property name; they print with credentials hidden.
   */
  record Split(
      Map<String, String> consumer, Map<String, String> producer, Map<String, String> admin) {
    Split {
      consumer = Secret.hidingMap(consumer);
      producer = Secret.hidingMap(producer);
      admin = Secret.hidingMap(admin);
    }
  }

  /** {@link #split(Map, Map, List)} without a {@link #FILE_KEY} file. */
  static Split split(Map<String, String> settings, List<String> problems) {
    return split(settings, Map.of(), problems);
  }

  /**
   * Splits pass-through settings into the three clients' properties, adding a problem for each
   * malformed or protected key; refused keys are left out of the result.
   *
   * @param settings {@code kafka.*} keys other than {@link #FILE_KEY} → value
   * @param fileProperties the properties of the {@link #FILE_KEY} file, already checked: every
   *     client gets them, and every key in {@code settings} wins over them
   */
  static Split split(
      Map<String, String> settings, Map<String, String> fileProperties, List<String> problems) {
    Map<String, String> common = new TreeMap<>();
    Map<Client, Map<String, String>> specific = new EnumMap<>(Client.class);
    for (Client c : Client.values()) {
      specific.put(c, new TreeMap<>());
    }
    for (Map.Entry<String, String> e : settings.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(PREFIX) || key.equals(FILE_KEY)) {
        throw new IllegalArgumentException("Not a Kafka pass-through key: " + key);
      }
      Client client = clientOf(key);
      String property =
          client == null ? key.substring(PREFIX.length()) : key.substring(client.prefix().length());
      if (property.isBlank() || isBareClient(key)) {
        problems.add(
            "Invalid configuration "
                + key
                + ": name a Kafka property after it, as in "
                + Client.CONSUMER.prefix()
                + "fetch.min.bytes or "
                + PREFIX
                + "client.rack");
        continue;
      }
      List<Client> reached = client == null ? List.of(Client.values()) : List.of(client);
      String refusal = refusal(property, reached);
      if (refusal != null) {
        problems.add(invalidKey(key, refusal));
        continue;
      }
      (client == null ? common : specific.get(client)).put(property, e.getValue());
    }
    List<Map<String, String>> merged = new ArrayList<>();
    for (Client c : Client.values()) {
      Map<String, String> m = new TreeMap<>(fileProperties);
      m.putAll(common);
      m.putAll(specific.get(c));
      merged.add(m);
    }
    return new Split(merged.get(0), merged.get(1), merged.get(2));
  }

  /**
   * Problems with one client's merged properties, for values built without {@link #split}: blank
   * names and protected properties, reported under {@code kafka.<client>.<property>}.
   */
  static List<String> problems(Client client, Map<String, String> properties) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : properties.entrySet()) {
      String key = client.prefix() + e.getKey();
      if (e.getKey() == null || e.getKey().isBlank()) {
        problems.add(
            "Invalid configuration " + key + ": the Kafka property name must not be blank");
      } else if (e.getValue() == null) {
        problems.add("Missing value for configuration " + key);
      } else {
        String refusal = refusal(e.getKey(), List.of(client));
        if (refusal != null) {
          problems.add(invalidKey(key, refusal));
        }
      }
    }
    return problems;
  }

  /** Whether a property's value may be a credential, and must not be logged. */
  static boolean isSecret(String property) {
    String p = property.toLowerCase(Locale.ROOT);
    // ssl.keystore.key holds a PEM private key; the rest say what they are
    return p.contains("password")
        || p.contains("secret")
        || p.contains("jaas")
        || p.endsWith(".key");
  }

  /**
   * The properties the worker sets on a client, each with what to do instead, in a stable order.
   */
  static Map<String, String> protectedProperties(Client client) {
    return PROTECTED.get(client);
  }

  private static Client clientOf(String key) {
    for (Client c : Client.values()) {
      if (key.startsWith(c.prefix())) {
        return c;
      }
    }
    return null;
  }

  private static boolean isBareClient(String key) {
    for (Client c : Client.values()) {
      if (key.equals(PREFIX + c.externalName())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why {@code property} may not be set on these clients ("the worker sets the producer property
   * value.serializer itself; the wire format fixes it"), or {@code null} when it may.
   */
  static String refusal(String property, List<Client> reached) {
    List<String> clients = new ArrayList<>();
    String advice = null;
    for (Client c : reached) {
      String a = PROTECTED.get(c).get(property);
      if (a != null) {
        clients.add(c.externalName());
        advice = advice == null ? a : advice;
      }
    }
    if (advice == null) {
      return null;
    }
    return "the worker sets the "
        + joinNames(clients)
        + " property "
        + property
        + " itself; "
        + advice;
  }

  private static String invalidKey(String key, String reason) {
    return "Invalid configuration " + key + ": " + reason;
  }

  private static String joinNames(List<String> names) {
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }
}
