package io.inceptionstream.config;

import static io.inceptionstream.config.WorkerConfigDef.*;

import io.inceptionstream.config.KafkaPassThrough.Client;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The worker's configuration: the value of every key of {@link WorkerConfigDef}, read with {@link
 * #get} (or the named accessors), and the Kafka pass-through properties merged per client.
 * Immutable; the constructor checks every value against its declared rule and the rules relating
 * two keys, and reports all problems in one {@link ConfigException}. Build one with {@link #load};
 * tests can use {@code load(null, Map.of(), Map.of("bootstrap-servers", "localhost:9092", ...))}.
 *
 * @param values every declared key's name → its value as {@link ConfigType#parse} gives it, in
 *     declaration order, with {@code worker.id} and {@code exactly-once.transactional-id} resolved
 *     (never empty)
 * @param kafkaConsumer consumer properties from {@code kafka.config}, {@code kafka.*} and {@code
 *     kafka.consumer.*}
 * @param kafkaProducer producer properties from {@code kafka.config}, {@code kafka.*} and {@code
 *     kafka.producer.*}
 * @param kafkaAdmin admin client properties from {@code kafka.config}, {@code kafka.*} and {@code
 *     kafka.admin.*}
 */
public record WorkerConfig(
    Map<String, Object> values,
    Map<String, String> kafkaConsumer,
    Map<String, String> kafkaProducer,
    Map<String, String> kafkaAdmin) {

  /**
   * @throws ConfigException listing every problem, one per line: names that are not declared keys,
   *     then each key that is missing or breaks its rule, then the Kafka properties
   */
  public WorkerConfig {
    Objects.requireNonNull(values, "values");
    kafkaConsumer = copy(kafkaConsumer);
    kafkaProducer = copy(kafkaProducer);
    kafkaAdmin = copy(kafkaAdmin);
    List<String> problems = new ArrayList<>();
    for (String name : new TreeSet<>(values.keySet())) {
      if (WorkerConfigDef.find(name).isEmpty()) {
        problems.add("Unknown configuration " + name);
      }
    }
    Map<String, Object> every = new LinkedHashMap<>();
    for (ConfigKey<?> k : WorkerConfigDef.keys()) {
      every.put(k.name(), values.get(k.name())); // an absent key is reported as missing
    }
    problems.addAll(WorkerConfigDef.problems(every));
    kafkaProblems(Client.CONSUMER, kafkaConsumer, problems);
    kafkaProblems(Client.PRODUCER, kafkaProducer, problems);
    kafkaProblems(Client.ADMIN, kafkaAdmin, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    Map<String, Object> typed = new LinkedHashMap<>();
    every.forEach((name, value) -> typed.put(name, WorkerConfigDef.key(name).cast(value)));
    values = Collections.unmodifiableMap(typed);
  }

  /**
   * Loads the configuration from, lowest precedence first, the declared defaults, a properties
   * file, {@code INCEPTION_STREAM_*} environment variables and command-line flags, and checks it.
   * The {@code kafka.config} file, when one is set, is read here.
   *
   * @param file a {@link java.util.Properties} file, or {@code null} for none
   * @param env the environment, usually {@link System#getenv()}; variables without the {@link
   *     WorkerConfigDef#ENV_PREFIX} are ignored
   * @param flags key → value from the command line ({@code --set key=value} and dedicated options)
   * @throws ConfigException listing every problem found, one per line: an unreadable file, unknown
   *     keys (with their source and the closest valid key), bad values, broken rules between keys,
   *     and Kafka properties the worker sets itself
   */
  public static WorkerConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
    return ConfigLoader.load(file, env, flags, ConfigLoader::localHostName);
  }

  /**
   * The value of a declared key, as {@code config.get(WorkerConfigDef.BATCH_MAX_SIZE)}.
   *
   * @throws IllegalArgumentException for a key that {@link WorkerConfigDef} does not declare
   */
  public <T> T get(ConfigKey<T> key) {
    if (WorkerConfigDef.find(key.name()).orElse(null) != key) {
      throw new IllegalArgumentException("Undeclared configuration key " + key.name());
    }
    return key.cast(values.get(key.name()));
  }

  /**
   * Every effective key → value, as configuration text, for a start-up log line: the declared keys
   * in reference order, then each client's Kafka properties as {@code kafka.<client>.<property>}.
   * Values of Kafka properties that may hold a credential (names containing {@code password},
   * {@code secret} or {@code jaas}, and {@code ssl.keystore.key}) are shown as {@code [hidden]},
   * wherever they came from, the {@code kafka.config} file included.
   */
  public Map<String, String> describe() {
    Map<String, String> described = new LinkedHashMap<>();
    values.forEach(
        (name, value) -> described.put(name, WorkerConfigDef.key(name).type().format(value)));
    describeKafka(Client.CONSUMER, kafkaConsumer, described);
    describeKafka(Client.PRODUCER, kafkaProducer, described);
    describeKafka(Client.ADMIN, kafkaAdmin, described);
    return Collections.unmodifiableMap(described);
  }

  /** {@link #describe()}, so that logging the record never prints a credential. */
  @Override
  public String toString() {
    return "WorkerConfig" + describe();
  }

  /**
   * The credentials in the Kafka client properties (see {@link Secret#secretsIn}), so that an error
   * message from a Kafka client can be {@link Secret#redact redacted} before it is printed.
   */
  public Set<Secret> secrets() {
    Set<Secret> secrets = new LinkedHashSet<>();
    secrets.addAll(Secret.secretsIn(kafkaConsumer));
    secrets.addAll(Secret.secretsIn(kafkaProducer));
    secrets.addAll(Secret.secretsIn(kafkaAdmin));
    return Collections.unmodifiableSet(secrets);
  }

  /** {@code bootstrap-servers}. */
  public String bootstrapServers() {
    return get(BOOTSTRAP_SERVERS);
  }

  /** {@code group}. */
  public String group() {
    return get(GROUP);
  }

  /** {@code model}: a model directory, or empty for the shipped model. */
  public String model() {
    return get(MODEL);
  }

  /** {@code topics.input}. */
  public String inputTopic() {
    return get(TOPICS_INPUT);
  }

  /** {@code topics.predictions}. */
  public String predictionsTopic() {
    return get(TOPICS_PREDICTIONS);
  }

  /** {@code topics.embeddings}. */
  public String embeddingsTopic() {
    return get(TOPICS_EMBEDDINGS);
  }

  /** {@code topics.dead-letter}. */
  public String deadLetterTopic() {
    return get(TOPICS_DEAD_LETTER);
  }

  /** {@code topics.create}. */
  public boolean createTopics() {
    return get(TOPICS_CREATE);
  }

  /** {@code topics.partitions}. */
  public int topicPartitions() {
    return get(TOPICS_PARTITIONS);
  }

  /** {@code topics.replication-factor}. */
  public short topicReplicationFactor() {
    return get(TOPICS_REPLICATION_FACTOR).shortValue();
  }

  /** {@code embedding.taps}, possibly empty. */
  public List<String> embeddingTaps() {
    return get(EMBEDDING_TAPS);
  }

  /** {@code embedding.normalize}. */
  public boolean normalizeEmbeddings() {
    return get(EMBEDDING_NORMALIZE);
  }

  /** {@code prediction.top-k}. */
  public int topK() {
    return get(PREDICTION_TOP_K);
  }

  /** {@code inference.engine}: {@code mxnet} or {@code pytorch}. */
  public String engine() {
    return get(INFERENCE_ENGINE);
  }

  /** {@code inference.device}: {@code auto}, {@code cpu} or {@code gpuN}. */
  public String device() {
    return get(INFERENCE_DEVICE);
  }

  /** {@code inference.threads}, 0 for one per core. */
  public int threads() {
    return get(INFERENCE_THREADS);
  }

  /** {@code inference.compiled}. */
  public boolean compiled() {
    return get(INFERENCE_COMPILED);
  }

  /** {@code inference.stand-in.cost}. */
  /** {@code fp32} or {@code int8}. */
  public String precision() {
    return get(INFERENCE_PRECISION);
  }

  public CostCurve standInCost() {
    return CostCurve.parse(get(INFERENCE_STAND_IN_COST));
  }

  /** {@code inference.timeout}. */
  public Duration inferenceTimeout() {
    return get(INFERENCE_TIMEOUT);
  }

  /** {@code batch.max-size}: fixed, or auto (chosen at warm-up). */
  public BatchSize batchMaxSize() {
    return get(BATCH_MAX_SIZE);
  }

  /** {@code batch.max-delay}. */
  public Duration batchMaxDelay() {
    return get(BATCH_MAX_DELAY);
  }

  /** {@code pipeline.max-in-flight}. */
  public int maxInFlight() {
    return get(PIPELINE_MAX_IN_FLIGHT);
  }

  /** {@code pipeline.resume-below}. */
  public int resumeBelow() {
    return get(PIPELINE_RESUME_BELOW);
  }

  /** {@code pipeline.max-in-flight-bytes}. */
  public long maxInFlightBytes() {
    return get(PIPELINE_MAX_IN_FLIGHT_BYTES);
  }

  /** {@code pipeline.decode-threads}, 0 for one per core. */
  public int decodeThreads() {
    return get(PIPELINE_DECODE_THREADS);
  }

  /** {@code pipeline.decode-timeout}. */
  public Duration decodeTimeout() {
    return get(PIPELINE_DECODE_TIMEOUT);
  }

  /** {@code image.max-bytes}. */
  public int imageMaxBytes() {
    return get(IMAGE_MAX_BYTES);
  }

  /** {@code image.max-pixels}. */
  public long imageMaxPixels() {
    return get(IMAGE_MAX_PIXELS);
  }

  /**
   * {@code group.static-membership}: whether the worker joins as a static member. {@link #load}
   * resolves {@code auto}; left unresolved (a record built by hand) it counts as off.
   */
  public boolean staticMembership() {
    return "on".equals(get(GROUP_STATIC_MEMBERSHIP));
  }

  /** {@code image.decode-pixel-budget}. */
  public long imageDecodePixelBudget() {
    return get(IMAGE_DECODE_PIXEL_BUDGET);
  }

  /** {@code delivery}. */
  public Delivery delivery() {
    return Delivery.fromExternalName(get(DELIVERY));
  }

  /** {@code exactly-once.transactional-id}, resolved: never empty. */
  public String transactionalId() {
    return get(EXACTLY_ONCE_TRANSACTIONAL_ID);
  }

  /** {@code worker.id}, resolved: never empty. */
  public String workerId() {
    return get(WORKER_ID);
  }

  /** {@code commit.interval}. */
  public Duration commitInterval() {
    return get(COMMIT_INTERVAL);
  }

  /** {@code shutdown.timeout}. */
  public Duration shutdownTimeout() {
    return get(SHUTDOWN_TIMEOUT);
  }

  /** {@code connect.timeout}. */
  public Duration connectTimeout() {
    return get(CONNECT_TIMEOUT);
  }

  /** {@code metrics.enabled}. */
  public boolean metricsEnabled() {
    return get(METRICS_ENABLED);
  }

  /** {@code metrics.bind}. */
  public String metricsBind() {
    return get(METRICS_BIND);
  }

  /** {@code metrics.port}, 0 for any free port. */
  public int metricsPort() {
    return get(METRICS_PORT);
  }

  /** {@code metrics.jmx}. */
  public boolean jmxEnabled() {
    return get(METRICS_JMX);
  }

  private static Map<String, String> copy(Map<String, String> properties) {
    return properties == null ? null : Secret.hidingMap(new TreeMap<>(properties));
  }

  private static void kafkaProblems(
      Client client, Map<String, String> properties, List<String> problems) {
    if (properties == null) {
      problems.add(
          "Missing value for the "
              + client.externalName()
              + " properties ("
              + client.prefix()
              + "*)");
    } else {
      problems.addAll(KafkaPassThrough.problems(client, properties));
    }
  }

  private static void describeKafka(
      Client client, Map<String, String> properties, Map<String, String> described) {
    properties.forEach(
        (property, value) ->
            described.put(
                client.prefix() + property,
                Secret.isSecretProperty(property) ? Secret.HIDDEN : value));
  }
}
