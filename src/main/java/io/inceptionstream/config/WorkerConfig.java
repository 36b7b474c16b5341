package io.inceptionstream.config;

import static io.inceptionstream.config.WorkerConfigDef.*;

import io.inceptionstream.config.KafkaPassThrough.Client;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The worker's configuration: every key of {@link WorkerConfigDef}, typed, with the Kafka
 * pass-through properties merged per client. Immutable; the constructor checks every field against
 * its declared rule and the rules relating two fields, and reports all problems in one {@link
 * ConfigException}. Build one with {@link #load}; tests can use {@code load(null, Map.of(),
 * Map.of("bootstrap-servers", "localhost:9092", ...))}.
 *
 * @param bootstrapServers {@code bootstrap-servers}
 * @param group {@code group}
 * @param model {@code model}: a model directory, or empty for the shipped model
 * @param inputTopic {@code topics.input}
 * @param predictionsTopic {@code topics.predictions}
 * @param embeddingsTopic {@code topics.embeddings}
 * @param deadLetterTopic {@code topics.dead-letter}
 * @param createTopics {@code topics.create}
 * @param topicPartitions {@code topics.partitions}
 * @param topicReplicationFactor {@code topics.replication-factor}
 * @param embeddingTaps {@code embedding.taps}, possibly empty
 * @param normalizeEmbeddings {@code embedding.normalize}
 * @param topK {@code prediction.top-k}
 * @param engine {@code inference.engine}: {@code mxnet} or {@code pytorch}
 * @param device {@code inference.device}: {@code auto}, {@code cpu} or {@code gpuN}
 * @param threads {@code inference.threads}, 0 for one per core
 * @param compiled {@code inference.compiled}
 * @param batchMaxSize {@code batch.max-size}
 * @param batchMaxDelay {@code batch.max-delay}
 * @param maxInFlight {@code pipeline.max-in-flight}
 * @param resumeBelow {@code pipeline.resume-below}
 * @param maxInFlightBytes {@code pipeline.max-in-flight-bytes}
 * @param decodeThreads {@code pipeline.decode-threads}, 0 for one per core
 * @param imageMaxBytes {@code image.max-bytes}
 * @param imageMaxPixels {@code image.max-pixels}
 * @param delivery {@code delivery}
 * @param transactionalId {@code exactly-once.transactional-id}, resolved: never empty
 * @param workerId {@code worker.id}, resolved: never empty
 * @param commitInterval {@code commit.interval}
 * @param shutdownTimeout {@code shutdown.timeout}
 * @param connectTimeout {@code connect.timeout}
 * @param metricsEnabled {@code metrics.enabled}
 * @param metricsBind {@code metrics.bind}
 * @param metricsPort {@code metrics.port}, 0 for any free port
 * @param jmxEnabled {@code metrics.jmx}
 * @param kafkaConsumer consumer properties from {@code kafka.*} and {@code kafka.consumer.*}
 * @param kafkaProducer producer properties from {@code kafka.*} and {@code kafka.producer.*}
 * @param kafkaAdmin admin client properties from {@code kafka.*} and {@code kafka.admin.*}
 */
public record WorkerConfig(
    String bootstrapServers,
    String group,
    String model,
    String inputTopic,
    String predictionsTopic,
    String embeddingsTopic,
    String deadLetterTopic,
    boolean createTopics,
    int topicPartitions,
    short topicReplicationFactor,
    List<String> embeddingTaps,
    boolean normalizeEmbeddings,
    int topK,
    String engine,
    String device,
    int threads,
    boolean compiled,
    int batchMaxSize,
    Duration batchMaxDelay,
    int maxInFlight,
    int resumeBelow,
    long maxInFlightBytes,
    int decodeThreads,
    int imageMaxBytes,
    long imageMaxPixels,
    Delivery delivery,
    String transactionalId,
    String workerId,
    Duration commitInterval,
    Duration shutdownTimeout,
    Duration connectTimeout,
    boolean metricsEnabled,
    String metricsBind,
    int metricsPort,
    boolean jmxEnabled,
    Map<String, String> kafkaConsumer,
    Map<String, String> kafkaProducer,
    Map<String, String> kafkaAdmin) {

  /**
   * @throws ConfigException listing every field that breaks its rule, one per line
   */
  public WorkerConfig {
    embeddingTaps = embeddingTaps == null ? null : List.copyOf(embeddingTaps);
    kafkaConsumer = copy(kafkaConsumer);
    kafkaProducer = copy(kafkaProducer);
    kafkaAdmin = copy(kafkaAdmin);
    List<String> problems =
        WorkerConfigDef.problems(
            settings(
                bootstrapServers,
                group,
                model,
                inputTopic,
                predictionsTopic,
                embeddingsTopic,
                deadLetterTopic,
                createTopics,
                topicPartitions,
                topicReplicationFactor,
                embeddingTaps,
                normalizeEmbeddings,
                topK,
                engine,
                device,
                threads,
                compiled,
                batchMaxSize,
                batchMaxDelay,
                maxInFlight,
                resumeBelow,
                maxInFlightBytes,
                decodeThreads,
                imageMaxBytes,
                imageMaxPixels,
                delivery,
                transactionalId,
                workerId,
                commitInterval,
                shutdownTimeout,
                connectTimeout,
                metricsEnabled,
                metricsBind,
                metricsPort,
                jmxEnabled));
    kafkaProblems(Client.CONSUMER, kafkaConsumer, problems);
    kafkaProblems(Client.PRODUCER, kafkaProducer, problems);
    kafkaProblems(Client.ADMIN, kafkaAdmin, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /**
   * Loads the configuration from, lowest precedence first, the declared defaults, a properties
   * file, {@code INCEPTION_STREAM_*} environment variables and command-line flags, and checks it.
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
   * Every effective key → value, as configuration text, for a start-up log line: the declared keys
   * in reference order, then each client's Kafka properties as {@code kafka.<client>.<property>}.
   * Values of Kafka properties that may hold a credential (names containing {@code password},
   * {@code secret} or {@code jaas}, and {@code ssl.keystore.key}) are shown as {@code [hidden]}.
   */
  public Map<String, String> describe() {
    Map<String, String> described = new LinkedHashMap<>();
    settings(
            bootstrapServers,
            group,
            model,
            inputTopic,
            predictionsTopic,
            embeddingsTopic,
            deadLetterTopic,
            createTopics,
            topicPartitions,
            topicReplicationFactor,
            embeddingTaps,
            normalizeEmbeddings,
            topK,
            engine,
            device,
            threads,
            compiled,
            batchMaxSize,
            batchMaxDelay,
            maxInFlight,
            resumeBelow,
            maxInFlightBytes,
            decodeThreads,
            imageMaxBytes,
            imageMaxPixels,
            delivery,
            transactionalId,
            workerId,
            commitInterval,
            shutdownTimeout,
            connectTimeout,
            metricsEnabled,
            metricsBind,
            metricsPort,
            jmxEnabled)
        .forEach((key, value) -> described.put(key, WorkerConfigDef.key(key).type().format(value)));
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

  /** The typed value of every declared key, as {@link ConfigType#parse} gives them. */
  private static Map<String, Object> settings(
      String bootstrapServers,
      String group,
      String model,
      String inputTopic,
      String predictionsTopic,
      String embeddingsTopic,
      String deadLetterTopic,
      boolean createTopics,
      int topicPartitions,
      short topicReplicationFactor,
      List<String> embeddingTaps,
      boolean normalizeEmbeddings,
      int topK,
      String engine,
      String device,
      int threads,
      boolean compiled,
      int batchMaxSize,
      Duration batchMaxDelay,
      int maxInFlight,
      int resumeBelow,
      long maxInFlightBytes,
      int decodeThreads,
      int imageMaxBytes,
      long imageMaxPixels,
      Delivery delivery,
      String transactionalId,
      String workerId,
      Duration commitInterval,
      Duration shutdownTimeout,
      Duration connectTimeout,
      boolean metricsEnabled,
      String metricsBind,
      int metricsPort,
      boolean jmxEnabled) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put(BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    s.put(GROUP_CONFIG, group);
    s.put(MODEL_CONFIG, model);
    s.put(TOPICS_INPUT_CONFIG, inputTopic);
    s.put(TOPICS_PREDICTIONS_CONFIG, predictionsTopic);
    s.put(TOPICS_EMBEDDINGS_CONFIG, embeddingsTopic);
    s.put(TOPICS_DEAD_LETTER_CONFIG, deadLetterTopic);
    s.put(TOPICS_CREATE_CONFIG, createTopics);
    s.put(TOPICS_PARTITIONS_CONFIG, topicPartitions);
    s.put(TOPICS_REPLICATION_FACTOR_CONFIG, (int) topicReplicationFactor);
    s.put(EMBEDDING_TAPS_CONFIG, embeddingTaps);
    s.put(EMBEDDING_NORMALIZE_CONFIG, normalizeEmbeddings);
    s.put(PREDICTION_TOP_K_CONFIG, topK);
    s.put(INFERENCE_ENGINE_CONFIG, engine);
    s.put(INFERENCE_DEVICE_CONFIG, device);
    s.put(INFERENCE_THREADS_CONFIG, threads);
    s.put(INFERENCE_COMPILED_CONFIG, compiled);
    s.put(BATCH_MAX_SIZE_CONFIG, batchMaxSize);
    s.put(BATCH_MAX_DELAY_CONFIG, batchMaxDelay);
    s.put(PIPELINE_MAX_IN_FLIGHT_CONFIG, maxInFlight);
    s.put(PIPELINE_RESUME_BELOW_CONFIG, resumeBelow);
    s.put(PIPELINE_MAX_IN_FLIGHT_BYTES_CONFIG, maxInFlightBytes);
    s.put(PIPELINE_DECODE_THREADS_CONFIG, decodeThreads);
    s.put(IMAGE_MAX_BYTES_CONFIG, imageMaxBytes);
    s.put(IMAGE_MAX_PIXELS_CONFIG, imageMaxPixels);
    s.put(DELIVERY_CONFIG, delivery == null ? null : delivery.externalName());
    s.put(EXACTLY_ONCE_TRANSACTIONAL_ID_CONFIG, transactionalId);
    s.put(WORKER_ID_CONFIG, workerId);
    s.put(COMMIT_INTERVAL_CONFIG, commitInterval);
    s.put(SHUTDOWN_TIMEOUT_CONFIG, shutdownTimeout);
    s.put(CONNECT_TIMEOUT_CONFIG, connectTimeout);
    s.put(METRICS_ENABLED_CONFIG, metricsEnabled);
    s.put(METRICS_BIND_CONFIG, metricsBind);
    s.put(METRICS_PORT_CONFIG, metricsPort);
    s.put(METRICS_JMX_CONFIG, jmxEnabled);
    return s;
  }

  /** Builds the record from values typed as {@link ConfigType#parse} gives them. */
  static WorkerConfig fromSettings(
      Map<String, Object> s,
      Map<String, String> consumer,
      Map<String, String> producer,
      Map<String, String> admin) {
    return new WorkerConfig(
        (String) s.get(BOOTSTRAP_SERVERS_CONFIG),
        (String) s.get(GROUP_CONFIG),
        (String) s.get(MODEL_CONFIG),
        (String) s.get(TOPICS_INPUT_CONFIG),
        (String) s.get(TOPICS_PREDICTIONS_CONFIG),
        (String) s.get(TOPICS_EMBEDDINGS_CONFIG),
        (String) s.get(TOPICS_DEAD_LETTER_CONFIG),
        (Boolean) s.get(TOPICS_CREATE_CONFIG),
        (Integer) s.get(TOPICS_PARTITIONS_CONFIG),
        ((Integer) s.get(TOPICS_REPLICATION_FACTOR_CONFIG)).shortValue(),
        strings(s.get(EMBEDDING_TAPS_CONFIG)),
        (Boolean) s.get(EMBEDDING_NORMALIZE_CONFIG),
        (Integer) s.get(PREDICTION_TOP_K_CONFIG),
        (String) s.get(INFERENCE_ENGINE_CONFIG),
        (String) s.get(INFERENCE_DEVICE_CONFIG),
        (Integer) s.get(INFERENCE_THREADS_CONFIG),
        (Boolean) s.get(INFERENCE_COMPILED_CONFIG),
        (Integer) s.get(BATCH_MAX_SIZE_CONFIG),
        (Duration) s.get(BATCH_MAX_DELAY_CONFIG),
        (Integer) s.get(PIPELINE_MAX_IN_FLIGHT_CONFIG),
        (Integer) s.get(PIPELINE_RESUME_BELOW_CONFIG),
        (Long) s.get(PIPELINE_MAX_IN_FLIGHT_BYTES_CONFIG),
        (Integer) s.get(PIPELINE_DECODE_THREADS_CONFIG),
        (Integer) s.get(IMAGE_MAX_BYTES_CONFIG),
        (Long) s.get(IMAGE_MAX_PIXELS_CONFIG),
        Delivery.fromExternalName((String) s.get(DELIVERY_CONFIG)),
        (String) s.get(EXACTLY_ONCE_TRANSACTIONAL_ID_CONFIG),
        (String) s.get(WORKER_ID_CONFIG),
        (Duration) s.get(COMMIT_INTERVAL_CONFIG),
        (Duration) s.get(SHUTDOWN_TIMEOUT_CONFIG),
        (Duration) s.get(CONNECT_TIMEOUT_CONFIG),
        (Boolean) s.get(METRICS_ENABLED_CONFIG),
        (String) s.get(METRICS_BIND_CONFIG),
        (Integer) s.get(METRICS_PORT_CONFIG),
        (Boolean) s.get(METRICS_JMX_CONFIG),
        consumer,
        producer,
        admin);
  }

  private static List<String> strings(Object list) {
    return ((List<?>) list).stream().map(String.class::cast).toList();
  }

  private static Map<String, String> copy(Map<String, String> properties) {
    return properties == null ? null : Collections.unmodifiableMap(new TreeMap<>(properties));
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
                KafkaPassThrough.isSecret(property) ? KafkaPassThrough.HIDDEN : value));
  }
}
