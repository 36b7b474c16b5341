package io.inceptionstream.config;

import static io.inceptionstream.config.ConfigType.BOOLEAN;
import static io.inceptionstream.config.ConfigType.DURATION;
import static io.inceptionstream.config.ConfigType.ENUM;
import static io.inceptionstream.config.ConfigType.INT;
import static io.inceptionstream.config.ConfigType.LIST;
import static io.inceptionstream.config.ConfigType.LONG;
import static io.inceptionstream.config.ConfigType.PATH;
import static io.inceptionstream.config.ConfigType.STRING;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place that declares every worker configuration key: name ({@code *_CONFIG}),
 * documentation ({@code *_DOC}), type, default and rule, in the order of the reference table, plus
 * the rules that relate two keys. {@link WorkerConfig} validates against these declarations and
 * {@link ConfigDocs} renders them.
 */
public final class WorkerConfigDef {

  private WorkerConfigDef() {}

  /** Environment variables starting with this prefix set configuration keys. */
  public static final String ENV_PREFIX = "INCEPTION_STREAM_";

  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap-servers";
  private static final String BOOTSTRAP_SERVERS_DOC =
      "Kafka brokers to connect to first: comma-separated host:port pairs.";

  public static final String GROUP_CONFIG = "group";
  private static final String GROUP_DOC =
      "Consumer group; workers in the same group share the input topic's partitions.";

  public static final String MODEL_CONFIG = "model";
  private static final String MODEL_DOC =
      "Model directory to serve; empty means the model shipped with the worker.";

  public static final String TOPICS_INPUT_CONFIG = "topics.input";
  private static final String TOPICS_INPUT_DOC = "Topic the worker reads images from.";

  public static final String TOPICS_PREDICTIONS_CONFIG = "topics.predictions";
  private static final String TOPICS_PREDICTIONS_DOC =
      "Topic for predictions: the top classes of each image.";

  public static final String TOPICS_EMBEDDINGS_CONFIG = "topics.embeddings";
  private static final String TOPICS_EMBEDDINGS_DOC =
      "Topic for embeddings, one record per image while embedding.taps is not empty.";

  public static final String TOPICS_DEAD_LETTER_CONFIG = "topics.dead-letter";
  private static final String TOPICS_DEAD_LETTER_DOC =
      "Topic for records that cannot be processed, with the reason. The four topics must differ.";

  public static final String TOPICS_CREATE_CONFIG = "topics.create";
  private static final String TOPICS_CREATE_DOC =
      "Create missing topics at start-up with topics.partitions and topics.replication-factor;"
          + " existing topics are left as they are.";

  public static final String TOPICS_PARTITIONS_CONFIG = "topics.partitions";
  private static final String TOPICS_PARTITIONS_DOC =
      "Partitions of each topic the worker creates.";

  public static final String TOPICS_REPLICATION_FACTOR_CONFIG = "topics.replication-factor";
  private static final String TOPICS_REPLICATION_FACTOR_DOC =
      "Replication factor of each topic the worker creates.";

  public static final String EMBEDDING_TAPS_CONFIG = "embedding.taps";
  private static final String EMBEDDING_TAPS_DOC =
      "Inception outputs published as embeddings, comma-separated: a module (a3 to b5) or one of"
          + " its branches (a4.branch3). Empty publishes no embeddings.";

  public static final String EMBEDDING_NORMALIZE_CONFIG = "embedding.normalize";
  private static final String EMBEDDING_NORMALIZE_DOC =
      "Scale each embedding to unit length (L2) before publishing it.";

  public static final String PREDICTION_TOP_K_CONFIG = "prediction.top-k";
  private static final String PREDICTION_TOP_K_DOC =
      "Classes published per image, most probable first.";

  public static final String INFERENCE_ENGINE_CONFIG = "inference.engine";
  private static final String INFERENCE_ENGINE_DOC =
      "Deep learning engine; pytorch needs the -Ppytorch build. stand-in answers instantly with"
          + " constant scores: for measuring the pipeline without the model, never for serving.";

  public static final String INFERENCE_DEVICE_CONFIG = "inference.device";
  private static final String INFERENCE_DEVICE_DOC =
      "Where inference runs: auto (every GPU, else the CPU), cpu, or gpuN.";

  public static final String INFERENCE_THREADS_CONFIG = "inference.threads";
  private static final String INFERENCE_THREADS_DOC =
      "Native compute threads (OMP_NUM_THREADS); 0 means one per core. An exported OMP_NUM_THREADS"
          + " wins.";

  public static final String INFERENCE_COMPILED_CONFIG = "inference.compiled";
  private static final String INFERENCE_COMPILED_DOC =
      "On MXNet, run the compiled graph (same outputs, faster); false runs the block op by op.";

  public static final String BATCH_MAX_SIZE_CONFIG = "batch.max-size";
  private static final String BATCH_MAX_SIZE_DOC =
      "Most images in one forward pass; a full batch is sent at once.";

  public static final String BATCH_MAX_DELAY_CONFIG = "batch.max-delay";
  private static final String BATCH_MAX_DELAY_DOC =
      "Longest an image waits for its batch to fill before the batch is sent anyway.";

  public static final String PIPELINE_MAX_IN_FLIGHT_CONFIG = "pipeline.max-in-flight";
  private static final String PIPELINE_MAX_IN_FLIGHT_DOC =
      "Most records between poll and commit, and at least batch.max-size; at this many the poll"
          + " loop pauses its partitions.";

  public static final String PIPELINE_RESUME_BELOW_CONFIG = "pipeline.resume-below";
  private static final String PIPELINE_RESUME_BELOW_DOC =
      "Paused partitions resume when fewer records than this are in flight; less than"
          + " pipeline.max-in-flight.";

  public static final String PIPELINE_MAX_IN_FLIGHT_BYTES_CONFIG = "pipeline.max-in-flight-bytes";
  private static final String PIPELINE_MAX_IN_FLIGHT_BYTES_DOC =
      "Most encoded image bytes between poll and commit; at this many the poll loop pauses too.";

  public static final String PIPELINE_DECODE_THREADS_CONFIG = "pipeline.decode-threads";
  private static final String PIPELINE_DECODE_THREADS_DOC =
      "Threads decoding and resizing images; 0 means one per core.";

  public static final String IMAGE_MAX_BYTES_CONFIG = "image.max-bytes";
  private static final String IMAGE_MAX_BYTES_DOC =
      "Largest encoded image accepted, in bytes; larger ones go to the dead-letter topic.";

  public static final String IMAGE_MAX_PIXELS_CONFIG = "image.max-pixels";
  private static final String IMAGE_MAX_PIXELS_DOC =
      "Largest width x height accepted, read from the image header before decoding; larger images"
          + " go to the dead-letter topic.";

  public static final String DELIVERY_CONFIG = "delivery";
  private static final String DELIVERY_DOC =
      "at-least-once commits offsets after the results are acknowledged (a crash may repeat"
          + " results); exactly-once publishes results and offsets in one Kafka transaction, for"
          + " readers with isolation.level=read_committed.";

  public static final String EXACTLY_ONCE_TRANSACTIONAL_ID_CONFIG = "exactly-once.transactional-id";
  private static final String EXACTLY_ONCE_TRANSACTIONAL_ID_DOC =
      "Producer transactional id for exactly-once delivery; empty means"
          + " inception-stream-<group>-<worker.id>. Keep it unique per worker and stable across its"
          + " restarts.";

  public static final String WORKER_ID_CONFIG = "worker.id";
  private static final String WORKER_ID_DOC =
      "This worker's name in logs, metrics and the default transactional id; empty means the host"
          + " name, or worker when the host name cannot be read.";

  public static final String COMMIT_INTERVAL_CONFIG = "commit.interval";
  private static final String COMMIT_INTERVAL_DOC =
      "How often the offsets of finished records are committed.";

  public static final String SHUTDOWN_TIMEOUT_CONFIG = "shutdown.timeout";
  private static final String SHUTDOWN_TIMEOUT_DOC =
      "How long shutdown waits for records in flight before closing the clients.";

  public static final String CONNECT_TIMEOUT_CONFIG = "connect.timeout";
  private static final String CONNECT_TIMEOUT_DOC =
      "How long to wait for the brokers at start-up before giving up.";

  public static final String METRICS_ENABLED_CONFIG = "metrics.enabled";
  private static final String METRICS_ENABLED_DOC = "Serve metrics and health checks over HTTP.";

  public static final String METRICS_BIND_CONFIG = "metrics.bind";
  private static final String METRICS_BIND_DOC = "Address the metrics HTTP server listens on.";

  public static final String METRICS_PORT_CONFIG = "metrics.port";
  private static final String METRICS_PORT_DOC =
      "Port of the metrics HTTP server; 0 picks any free port.";

  public static final String METRICS_JMX_CONFIG = "metrics.jmx";
  private static final String METRICS_JMX_DOC = "Also publish the metrics as JMX MBeans.";

  /** The four topic keys, which must name four different topics. */
  public static final List<String> TOPIC_KEYS =
      List.of(
          TOPICS_INPUT_CONFIG,
          TOPICS_PREDICTIONS_CONFIG,
          TOPICS_EMBEDDINGS_CONFIG,
          TOPICS_DEAD_LETTER_CONFIG);

  private static final Pattern TAP =
      Pattern.compile("(a3|b3|a4|b4|c4|d4|e4|a5|b5)(\\.branch[1-4])?");

  private static final List<ConfigKey> KEYS =
      List.of(
          key(BOOTSTRAP_SERVERS_CONFIG, STRING, null, Validator.nonBlank(), BOOTSTRAP_SERVERS_DOC),
          key(GROUP_CONFIG, STRING, "inception-stream", Validator.nonBlank(), GROUP_DOC),
          key(MODEL_CONFIG, PATH, "", Validator.pathOrEmpty(), MODEL_DOC),
          key(TOPICS_INPUT_CONFIG, STRING, "images", Validator.topicName(), TOPICS_INPUT_DOC),
          key(
              TOPICS_PREDICTIONS_CONFIG,
              STRING,
              "predictions",
              Validator.topicName(),
              TOPICS_PREDICTIONS_DOC),
          key(
              TOPICS_EMBEDDINGS_CONFIG,
              STRING,
              "embeddings",
              Validator.topicName(),
              TOPICS_EMBEDDINGS_DOC),
          key(
              TOPICS_DEAD_LETTER_CONFIG,
              STRING,
              "images.dlq",
              Validator.topicName(),
              TOPICS_DEAD_LETTER_DOC),
          key(TOPICS_CREATE_CONFIG, BOOLEAN, "false", Validator.any(), TOPICS_CREATE_DOC),
          key(TOPICS_PARTITIONS_CONFIG, INT, "6", Validator.atLeast(1), TOPICS_PARTITIONS_DOC),
          key(
              TOPICS_REPLICATION_FACTOR_CONFIG,
              INT,
              "1",
              Validator.between(1, Short.MAX_VALUE),
              TOPICS_REPLICATION_FACTOR_DOC),
          key(
              EMBEDDING_TAPS_CONFIG,
              LIST,
              "b5",
              Validator.eachEntry(
                  TAP,
                  "each entry must be a module (a3, b3, a4, b4, c4, d4, e4, a5, b5), optionally"
                      + " followed by .branch1 to .branch4"),
              EMBEDDING_TAPS_DOC),
          key(
              EMBEDDING_NORMALIZE_CONFIG,
              BOOLEAN,
              "false",
              Validator.any(),
              EMBEDDING_NORMALIZE_DOC),
          key(PREDICTION_TOP_K_CONFIG, INT, "5", Validator.atLeast(1), PREDICTION_TOP_K_DOC),
          key(
              INFERENCE_ENGINE_CONFIG,
              ENUM,
              "mxnet",
              Validator.oneOf(List.of("mxnet", "pytorch", "stand-in")),
              INFERENCE_ENGINE_DOC),
          key(
              INFERENCE_DEVICE_CONFIG,
              STRING,
              "auto",
              Validator.matches(
                  Pattern.compile("auto|cpu|gpu\\d+"),
                  "must be auto, cpu or gpuN (gpu0, gpu1, ...)"),
              INFERENCE_DEVICE_DOC),
          key(INFERENCE_THREADS_CONFIG, INT, "0", Validator.atLeast(0), INFERENCE_THREADS_DOC),
          key(INFERENCE_COMPILED_CONFIG, BOOLEAN, "true", Validator.any(), INFERENCE_COMPILED_DOC),
          key(BATCH_MAX_SIZE_CONFIG, INT, "32", Validator.between(1, 4096), BATCH_MAX_SIZE_DOC),
          key(
              BATCH_MAX_DELAY_CONFIG,
              DURATION,
              "50ms",
              Validator.between(Duration.ZERO, Duration.ofMinutes(1)),
              BATCH_MAX_DELAY_DOC),
          key(
              PIPELINE_MAX_IN_FLIGHT_CONFIG,
              INT,
              "256",
              Validator.atLeast(1),
              PIPELINE_MAX_IN_FLIGHT_DOC),
          key(
              PIPELINE_RESUME_BELOW_CONFIG,
              INT,
              "128",
              Validator.atLeast(0),
              PIPELINE_RESUME_BELOW_DOC),
          key(
              PIPELINE_MAX_IN_FLIGHT_BYTES_CONFIG,
              LONG,
              "268435456",
              Validator.atLeast(1L << 20),
              PIPELINE_MAX_IN_FLIGHT_BYTES_DOC),
          key(
              PIPELINE_DECODE_THREADS_CONFIG,
              INT,
              "0",
              Validator.atLeast(0),
              PIPELINE_DECODE_THREADS_DOC),
          key(IMAGE_MAX_BYTES_CONFIG, INT, "10485760", Validator.atLeast(1), IMAGE_MAX_BYTES_DOC),
          key(
              IMAGE_MAX_PIXELS_CONFIG,
              LONG,
              "40000000",
              Validator.atLeast(1),
              IMAGE_MAX_PIXELS_DOC),
          key(
              DELIVERY_CONFIG,
              ENUM,
              Delivery.AT_LEAST_ONCE.externalName(),
              Validator.oneOf(Delivery.externalNames()),
              DELIVERY_DOC),
          key(
              EXACTLY_ONCE_TRANSACTIONAL_ID_CONFIG,
              STRING,
              "",
              Validator.emptyOrNonBlank(),
              EXACTLY_ONCE_TRANSACTIONAL_ID_DOC),
          key(WORKER_ID_CONFIG, STRING, "", Validator.emptyOrNonBlank(), WORKER_ID_DOC),
          key(
              COMMIT_INTERVAL_CONFIG,
              DURATION,
              "1s",
              Validator.atLeast(Duration.ofMillis(10)),
              COMMIT_INTERVAL_DOC),
          key(
              SHUTDOWN_TIMEOUT_CONFIG,
              DURATION,
              "30s",
              Validator.atLeast(Duration.ZERO),
              SHUTDOWN_TIMEOUT_DOC),
          key(
              CONNECT_TIMEOUT_CONFIG,
              DURATION,
              "30s",
              Validator.atLeast(Duration.ofSeconds(1)),
              CONNECT_TIMEOUT_DOC),
          key(METRICS_ENABLED_CONFIG, BOOLEAN, "true", Validator.any(), METRICS_ENABLED_DOC),
          key(METRICS_BIND_CONFIG, STRING, "0.0.0.0", Validator.nonBlank(), METRICS_BIND_DOC),
          key(METRICS_PORT_CONFIG, INT, "9404", Validator.between(0, 65535), METRICS_PORT_DOC),
          key(METRICS_JMX_CONFIG, BOOLEAN, "true", Validator.any(), METRICS_JMX_DOC));

  private static final Map<String, ConfigKey> BY_NAME = index(KEYS);

  private static ConfigKey key(
      String name, ConfigType type, String defaultValue, Validator validator, String doc) {
    return new ConfigKey(name, type, defaultValue, validator, doc);
  }

  private static Map<String, ConfigKey> index(List<ConfigKey> keys) {
    Map<String, ConfigKey> byName = new LinkedHashMap<>();
    Map<String, String> byEnv = new LinkedHashMap<>();
    for (ConfigKey k : keys) {
      if (byName.put(k.name(), k) != null) {
        throw new IllegalStateException("Configuration key " + k.name() + " declared twice");
      }
      String clash = byEnv.put(envName(k.name()), k.name());
      if (clash != null) {
        throw new IllegalStateException(
            "Keys " + clash + " and " + k.name() + " share " + envName(k.name()));
      }
    }
    return byName;
  }

  /** Every declared key, in reference-table order. */
  public static List<ConfigKey> keys() {
    return KEYS;
  }

  /** The declared key with this exact name. */
  public static Optional<ConfigKey> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The declared key with this exact name; for names the code itself spells. */
  public static ConfigKey key(String name) {
    return find(name)
        .orElseThrow(() -> new IllegalArgumentException("Undeclared configuration key " + name));
  }

  /**
   * The environment variable that sets a declared key: {@link #ENV_PREFIX}, then the key
   * upper-cased with {@code .} and {@code -} turned into {@code _} ({@code batch.max-size} is
   * {@code INCEPTION_STREAM_BATCH_MAX_SIZE}).
   */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Every problem with a set of typed values, one line each, in declaration order: each present key
   * against its rule (a {@code null} value is missing), then the rules relating two keys whose
   * values passed their own rules. Absent keys are skipped, so a caller can leave out values it
   * already reported as unreadable. Values are typed as {@link ConfigType#parse} returns them, with
   * the worker id and the transactional id already resolved.
   */
  static List<String> problems(Map<String, Object> values) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> valid = new LinkedHashMap<>();
    for (ConfigKey k : KEYS) {
      if (values.containsKey(k.name())) {
        Optional<String> problem = k.problem(values.get(k.name()));
        if (problem.isPresent()) {
          problems.add(problem.get());
        } else {
          valid.put(k.name(), values.get(k.name()));
        }
      }
    }
    // a value that breaks its own rule is reported once, not again against its neighbours
    crossProblems(valid, problems);
    return problems;
  }

  private static void crossProblems(Map<String, Object> values, List<String> problems) {
    for (String resolved : List.of(WORKER_ID_CONFIG, EXACTLY_ONCE_TRANSACTIONAL_ID_CONFIG)) {
      if ("".equals(values.get(resolved))) {
        problems.add(
            ConfigException.invalidValue(
                resolved,
                "",
                "must not be empty once resolved (WorkerConfig.load derives the empty default)"));
      }
    }
    Object maxSize = values.get(BATCH_MAX_SIZE_CONFIG);
    Object maxInFlight = values.get(PIPELINE_MAX_IN_FLIGHT_CONFIG);
    Object resumeBelow = values.get(PIPELINE_RESUME_BELOW_CONFIG);
    if (maxSize instanceof Integer size && maxInFlight instanceof Integer max && max < size) {
      problems.add(
          ConfigException.invalidValue(
              PIPELINE_MAX_IN_FLIGHT_CONFIG,
              max.toString(),
              "must be at least " + BATCH_MAX_SIZE_CONFIG + " (" + size + ")"));
    }
    if (maxInFlight instanceof Integer max
        && resumeBelow instanceof Integer resume
        && resume >= max) {
      problems.add(
          ConfigException.invalidValue(
              PIPELINE_RESUME_BELOW_CONFIG,
              resume.toString(),
              "must be less than " + PIPELINE_MAX_IN_FLIGHT_CONFIG + " (" + max + ")"));
    }
    for (int j = 1; j < TOPIC_KEYS.size(); j++) {
      for (int i = 0; i < j; i++) {
        Object a = values.get(TOPIC_KEYS.get(i));
        Object b = values.get(TOPIC_KEYS.get(j));
        if (a instanceof String first && b instanceof String second) {
          if (first.equals(second)) {
            problems.add(
                ConfigException.invalidValue(
                    TOPIC_KEYS.get(j), second, "must differ from " + TOPIC_KEYS.get(i)));
          } else if (collide(first, second)) {
            problems.add(
                ConfigException.invalidValue(
                    TOPIC_KEYS.get(j),
                    second,
                    "must not collide with "
                        + TOPIC_KEYS.get(i)
                        + " ("
                        + first
                        + "): Kafka treats . and _ in topic names alike"));
          }
        }
      }
    }
  }

  /**
   * Kafka refuses a topic whose name equals another's once '.' is read as '_' (Topic.hasCollision).
   */
  private static boolean collide(String a, String b) {
    return Objects.equals(a.replace('.', '_'), b.replace('.', '_'));
  }
}
