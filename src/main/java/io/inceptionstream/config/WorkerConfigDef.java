package io.inceptionstream.config;

import static io.inceptionstream.config.ConfigKey.BATCH_SIZE;
import static io.inceptionstream.config.ConfigKey.BOOLEAN;
import static io.inceptionstream.config.ConfigKey.DURATION;
import static io.inceptionstream.config.ConfigKey.ENUM;
import static io.inceptionstream.config.ConfigKey.INT;
import static io.inceptionstream.config.ConfigKey.LIST;
import static io.inceptionstream.config.ConfigKey.LONG;
import static io.inceptionstream.config.ConfigKey.PATH;
import static io.inceptionstream.config.ConfigKey.STRING;

import io.inceptionstream.config.ConfigKey.Kind;
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
 * The one place that declares every worker configuration key: each constant below is a typed {@link
 * ConfigKey} with its name, type, default, rule and documentation, in the order of the reference
 * table, and declaring it is all it takes to add a key; then come the rules that relate two keys.
 * {@link WorkerConfig} validates against these declarations and holds their values ({@link
 * WorkerConfig#get}), and {@link ConfigDocs} renders them.
 */
public final class WorkerConfigDef {

  private WorkerConfigDef() {}

  /** Environment variables starting with this prefix set configuration keys. */
  public static final String ENV_PREFIX = "INCEPTION_STREAM_";

  // Filled by define() as the key constants below initialise, in the order they are written.
  private static final List<ConfigKey<?>> DECLARED = new ArrayList<>();

  private static final Pattern TAP =
      Pattern.compile("(a3|b3|a4|b4|c4|d4|e4|a5|b5)(\\.branch[1-4])?");

  public static final ConfigKey<String> BOOTSTRAP_SERVERS =
      define(
          STRING,
          "bootstrap-servers",
          null,
          Validator.nonBlank(),
          "Kafka brokers to connect to first: comma-separated host:port pairs.");

  public static final ConfigKey<String> KAFKA_CONFIG =
      define(
          PATH,
          KafkaPassThrough.FILE_KEY,
          "",
          Validator.pathOrEmpty(),
          "A standard Kafka client properties file, like the --command-config file of Kafka's"
              + " tools or a client.properties (security.protocol, sasl.*, ssl.*), applied to the"
              + " consumer, the producer and the admin client; empty means none. Every kafka.*"
              + " key wins over it, and the properties the worker sets itself are refused in it"
              + " as in kafka.* keys. This one key under kafka. is not passed through: no Kafka"
              + " client has a property named config.");

  public static final ConfigKey<String> GROUP =
      define(
          STRING,
          "group",
          "inception-stream",
          Validator.nonBlank(),
          "Consumer group; workers in the same group share the input topic's partitions.");

  public static final ConfigKey<String> GROUP_STATIC_MEMBERSHIP =
      define(
          ENUM,
          "group.static-membership",
          "auto",
          Validator.oneOf(List.of("auto", "on", "off")),
          "Join the group as a static member (KIP-345, group.instance.id = worker.id), so that a"
              + " worker restarted under the same worker.id takes its partitions back at once"
              + " instead of after the session timeout. auto is on when worker.id is set"
              + " explicitly and off when it defaults to the host name (two workers on one host"
              + " would share it); each worker.id must then be unique in the group.");

  public static final ConfigKey<String> MODEL =
      define(
          PATH,
          "model",
          "",
          Validator.pathOrEmpty(),
          "Model directory to serve; empty means the model shipped with the worker.");

  public static final ConfigKey<String> TOPICS_INPUT =
      define(
          STRING,
          "topics.input",
          "images",
          Validator.topicName(),
          "Topic the worker reads images from.");

  public static final ConfigKey<String> TOPICS_PREDICTIONS =
      define(
          STRING,
          "topics.predictions",
          "predictions",
          Validator.topicName(),
          "Topic for predictions: the top classes of each image.");

  public static final ConfigKey<String> TOPICS_EMBEDDINGS =
      define(
          STRING,
          "topics.embeddings",
          "embeddings",
          Validator.topicName(),
          "Topic for embeddings, one record per image while embedding.taps is not empty.");

  public static final ConfigKey<String> TOPICS_DEAD_LETTER =
      define(
          STRING,
          "topics.dead-letter",
          "images.dlq",
          Validator.topicName(),
          "Topic for records that cannot be processed, with the reason. The four topics must differ.");

  public static final ConfigKey<Boolean> TOPICS_CREATE =
      define(
          BOOLEAN,
          "topics.create",
          "false",
          Validator.any(),
          "Create missing topics at start-up with topics.partitions and topics.replication-factor;"
              + " existing topics are left as they are.");

  public static final ConfigKey<Integer> TOPICS_PARTITIONS =
      define(
          INT,
          "topics.partitions",
          "6",
          Validator.atLeast(1),
          "Partitions of each topic the worker creates.");

  public static final ConfigKey<Integer> TOPICS_REPLICATION_FACTOR =
      define(
          INT,
          "topics.replication-factor",
          "1",
          Validator.between(1, Short.MAX_VALUE),
          "Replication factor of each topic the worker creates.");

  public static final ConfigKey<List<String>> EMBEDDING_TAPS =
      define(
          LIST,
          "embedding.taps",
          "b5",
          Validator.eachEntry(
              TAP,
              "each entry must be a module (a3, b3, a4, b4, c4, d4, e4, a5, b5), optionally"
                  + " followed by .branch1 to .branch4"),
          "Inception outputs published as embeddings, comma-separated: a module (a3 to b5) or one of"
              + " its branches (a4.branch3). Empty publishes no embeddings.");

  public static final ConfigKey<Boolean> EMBEDDING_NORMALIZE =
      define(
          BOOLEAN,
          "embedding.normalize",
          "false",
          Validator.any(),
          "Scale each embedding to unit length (L2) before publishing it.");

  public static final ConfigKey<Integer> PREDICTION_TOP_K =
      define(
          INT,
          "prediction.top-k",
          "5",
          Validator.atLeast(1),
          "Classes published per image, most probable first.");

  public static final ConfigKey<String> INFERENCE_ENGINE =
      define(
          ENUM,
          "inference.engine",
          "mxnet",
          Validator.oneOf(List.of("mxnet", "pytorch", "stand-in")),
          "Deep learning engine; pytorch needs the -Ppytorch build. stand-in answers instantly with"
              + " constant scores: for measuring the pipeline without the model, never for serving.");

  public static final ConfigKey<String> INFERENCE_DEVICE =
      define(
          STRING,
          "inference.device",
          "auto",
          Validator.matches(
              Pattern.compile("auto|cpu|gpu\\d+"), "must be auto, cpu or gpuN (gpu0, gpu1, ...)"),
          "Where inference runs: auto (every GPU, else the CPU), cpu, or gpuN.");

  public static final ConfigKey<Integer> INFERENCE_THREADS =
      define(
          INT,
          "inference.threads",
          "0",
          Validator.atLeast(0),
          "Native compute threads (OMP_NUM_THREADS); 0 means one per core. An exported OMP_NUM_THREADS"
              + " wins.");

  public static final ConfigKey<Boolean> INFERENCE_COMPILED =
      define(
          BOOLEAN,
          "inference.compiled",
          "true",
          Validator.any(),
          "On MXNet, run the compiled graph (same outputs, faster); false runs the block op by op.");

  public static final ConfigKey<String> INFERENCE_PRECISION =
      define(
          STRING,
          "inference.precision",
          "fp32",
          Validator.oneOf(List.of("fp32", "int8")),
          "Arithmetic of the compiled MXNet graph on the CPU. int8: oneDNN quantisation calibrated"
              + " on the images model calibrate stored in the model directory (the worker refuses to"
              + " start without them); docs/configuration.md and the README give the measured speed"
              + " and accuracy.");

  public static final ConfigKey<String> INFERENCE_STAND_IN_COST =
      define(
          STRING,
          "inference.stand-in.cost",
          "0ms+0us",
          Validator.of(CostCurve.RULE, v -> CostCurve.isValid((String) v)),
          "With inference.engine=stand-in, the time each forward call takes, per call plus per"
              + " image (2ms+20us; units ns, us, ms, s). The inference thread parks for it, leaving"
              + " the CPU free as a GPU would: for measuring micro-batching on a GPU-like cost.");

  public static final ConfigKey<Duration> INFERENCE_TIMEOUT =
      define(
          DURATION,
          "inference.timeout",
          "60s",
          Validator.atLeast(Duration.ofSeconds(1)),
          "Longest one batch's forward pass may take; past it /health/live turns red and the worker"
              + " stops with exit code 1, leaving the batch uncommitted (a hung engine never stalls"
              + " the stream unseen).");

  public static final ConfigKey<BatchSize> BATCH_MAX_SIZE =
      define(
          BATCH_SIZE,
          "batch.max-size",
          "auto",
          Validator.of(BatchSize.RULE, v -> true),
          "Most images in one forward pass; a full batch is sent at once. auto times the sizes"
              + " 1, 2, 4 ... 64 at warm-up, a few seconds in all,"
              + " and keeps the one with the most images per second (within 3 %, the smaller);"
              + " the log and the batch.size.chosen gauge say which.");

  public static final ConfigKey<Duration> BATCH_MAX_DELAY =
      define(
          DURATION,
          "batch.max-delay",
          "50ms",
          Validator.between(Duration.ZERO, Duration.ofMinutes(1)),
          "Longest an image waits for its batch to fill before the batch is sent anyway.");

  public static final ConfigKey<Integer> PIPELINE_MAX_IN_FLIGHT =
      define(
          INT,
          "pipeline.max-in-flight",
          "256",
          Validator.atLeast(1),
          "Most records between poll and commit, and at least batch.max-size; at this many the poll"
              + " loop pauses its partitions.");

  public static final ConfigKey<Integer> PIPELINE_RESUME_BELOW =
      define(
          INT,
          "pipeline.resume-below",
          "128",
          Validator.atLeast(0),
          "Paused partitions resume when fewer records than this are in flight; less than"
              + " pipeline.max-in-flight.");

  public static final ConfigKey<Long> PIPELINE_MAX_IN_FLIGHT_BYTES =
      define(
          LONG,
          "pipeline.max-in-flight-bytes",
          "268435456",
          Validator.atLeast(1L << 20),
          "Most encoded image bytes between poll and commit; at this many the poll loop pauses too.");

  public static final ConfigKey<Integer> PIPELINE_DECODE_THREADS =
      define(
          INT,
          "pipeline.decode-threads",
          "0",
          Validator.atLeast(0),
          "Threads decoding and resizing images; 0 means one per core.");

  public static final ConfigKey<Duration> PIPELINE_DECODE_TIMEOUT =
      define(
          DURATION,
          "pipeline.decode-timeout",
          "60s",
          Validator.atLeast(Duration.ofMillis(100)),
          "Longest one record may take to decode, counted from when a decode thread starts on it;"
              + " past it the decode is cancelled and the record goes to the dead-letter topic as"
              + " DECODE_TIMEOUT.");

  public static final ConfigKey<Integer> IMAGE_MAX_BYTES =
      define(
          INT,
          "image.max-bytes",
          "10485760",
          Validator.atLeast(1),
          "Largest encoded image accepted, in bytes; larger ones go to the dead-letter topic.");

  public static final ConfigKey<Long> IMAGE_MAX_PIXELS =
      define(
          LONG,
          "image.max-pixels",
          "40000000",
          Validator.atLeast(1),
          "Largest width x height accepted, read from the image header before decoding; larger images"
              + " go to the dead-letter topic.");

  public static final ConfigKey<Long> IMAGE_DECODE_PIXEL_BUDGET =
      define(
          LONG,
          "image.decode-pixel-budget",
          "80000000",
          Validator.between(1, Integer.MAX_VALUE),
          "Most pixels decoded at once by all decode threads together (about 8 bytes of heap"
              + " each); a decode waits until its image's width x height is free. At least"
              + " image.max-pixels.");

  public static final ConfigKey<String> DELIVERY =
      define(
          ENUM,
          "delivery",
          Delivery.AT_LEAST_ONCE.externalName(),
          Validator.oneOf(Delivery.externalNames()),
          "at-least-once commits offsets after the results are acknowledged (a crash may repeat"
              + " results); exactly-once publishes results and offsets in one Kafka transaction, for"
              + " readers with isolation.level=read_committed.");

  public static final ConfigKey<String> EXACTLY_ONCE_TRANSACTIONAL_ID =
      define(
          STRING,
          "exactly-once.transactional-id",
          "",
          Validator.emptyOrNonBlank(),
          "Producer transactional id for exactly-once delivery; empty means"
              + " inception-stream-<group>-<worker.id>. Keep it unique per worker and stable across its"
              + " restarts.");

  public static final ConfigKey<String> WORKER_ID =
      define(
          STRING,
          "worker.id",
          "",
          Validator.emptyOrNonBlank(),
          "This worker's name in logs, metrics, the default transactional id and, with static"
              + " membership, its group.instance.id; empty means the host name, or worker when the"
              + " host name cannot be read. Keep it unique per worker and stable across restarts.");

  public static final ConfigKey<Duration> COMMIT_INTERVAL =
      define(
          DURATION,
          "commit.interval",
          "1s",
          Validator.atLeast(Duration.ofMillis(10)),
          "How often the offsets of finished records are committed.");

  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT =
      define(
          DURATION,
          "shutdown.timeout",
          "30s",
          Validator.atLeast(Duration.ZERO),
          "How long shutdown waits for records in flight before closing the clients.");

  public static final ConfigKey<Duration> CONNECT_TIMEOUT =
      define(
          DURATION,
          "connect.timeout",
          "30s",
          Validator.atLeast(Duration.ofSeconds(1)),
          "How long to wait for the brokers at start-up before giving up.");

  public static final ConfigKey<Boolean> METRICS_ENABLED =
      define(
          BOOLEAN,
          "metrics.enabled",
          "true",
          Validator.any(),
          "Serve metrics and health checks over HTTP.");

  public static final ConfigKey<String> METRICS_BIND =
      define(
          STRING,
          "metrics.bind",
          "0.0.0.0",
          Validator.nonBlank(),
          "Address the metrics HTTP server listens on.");

  public static final ConfigKey<Integer> METRICS_PORT =
      define(
          INT,
          "metrics.port",
          "9404",
          Validator.between(0, 65535),
          "Port of the metrics HTTP server; 0 picks any free port.");

  public static final ConfigKey<Boolean> METRICS_JMX =
      define(
          BOOLEAN,
          "metrics.jmx",
          "true",
          Validator.any(),
          "Also publish the metrics as JMX MBeans.");

  /** The four topic keys, which must name four different topics. */
  public static final List<ConfigKey<String>> TOPIC_KEYS =
      List.of(TOPICS_INPUT, TOPICS_PREDICTIONS, TOPICS_EMBEDDINGS, TOPICS_DEAD_LETTER);

  // after every key constant, so that DECLARED is complete
  private static final List<ConfigKey<?>> KEYS = List.copyOf(DECLARED);

  private static final Map<String, ConfigKey<?>> BY_NAME = index(KEYS);

  private static <T> ConfigKey<T> define(
      Kind<T> kind, String name, String defaultValue, Validator validator, String documentation) {
    ConfigKey<T> key = new ConfigKey<>(kind, name, defaultValue, validator, documentation);
    DECLARED.add(key);
    return key;
  }

  private static Map<String, ConfigKey<?>> index(List<ConfigKey<?>> keys) {
    Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
    Map<String, String> byEnv = new LinkedHashMap<>();
    for (ConfigKey<?> k : keys) {
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
  public static List<ConfigKey<?>> keys() {
    return KEYS;
  }

  /** The declared key with this exact name. */
  public static Optional<ConfigKey<?>> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The declared key with this exact name; for names the code itself spells. */
  public static ConfigKey<?> key(String name) {
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
    for (ConfigKey<?> k : KEYS) {
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
    for (ConfigKey<String> resolved : List.of(WORKER_ID, EXACTLY_ONCE_TRANSACTIONAL_ID)) {
      if ("".equals(values.get(resolved.name()))) {
        problems.add(
            ConfigException.invalidValue(
                resolved.name(),
                "",
                "must not be empty once resolved (WorkerConfig.load derives the empty default)"));
      }
    }
    if (values.get(IMAGE_MAX_PIXELS.name()) instanceof Long most
        && values.get(IMAGE_DECODE_PIXEL_BUDGET.name()) instanceof Long budget
        && budget < most) {
      problems.add(
          ConfigException.invalidValue(
              IMAGE_DECODE_PIXEL_BUDGET.name(),
              budget.toString(),
              "must be at least " + IMAGE_MAX_PIXELS.name() + " (" + most + ")"));
    }
    Object maxSize = values.get(BATCH_MAX_SIZE.name());
    Object maxInFlight = values.get(PIPELINE_MAX_IN_FLIGHT.name());
    Object resumeBelow = values.get(PIPELINE_RESUME_BELOW.name());
    // auto tries no size above pipeline.max-in-flight (InferenceStage caps it), so only a
    // fixed size can outgrow the window
    if (maxSize instanceof BatchSize size
        && !size.auto()
        && maxInFlight instanceof Integer max
        && max < size.largest()) {
      problems.add(
          ConfigException.invalidValue(
              PIPELINE_MAX_IN_FLIGHT.name(),
              max.toString(),
              "must be at least "
                  + BATCH_MAX_SIZE.name()
                  + " ("
                  + (size.auto() ? "auto, which may choose up to " + size.largest() : size)
                  + ")"));
    }
    if (maxInFlight instanceof Integer max
        && resumeBelow instanceof Integer resume
        && resume >= max) {
      problems.add(
          ConfigException.invalidValue(
              PIPELINE_RESUME_BELOW.name(),
              resume.toString(),
              "must be less than " + PIPELINE_MAX_IN_FLIGHT.name() + " (" + max + ")"));
    }
    for (int j = 1; j < TOPIC_KEYS.size(); j++) {
      String later = TOPIC_KEYS.get(j).name();
      for (int i = 0; i < j; i++) {
        String earlier = TOPIC_KEYS.get(i).name();
        if (values.get(earlier) instanceof String first
            && values.get(later) instanceof String second) {
          if (first.equals(second)) {
            problems.add(
                ConfigException.invalidValue(later, second, "must differ from " + earlier));
          } else if (collide(first, second)) {
            problems.add(
                ConfigException.invalidValue(
                    later,
                    second,
                    "must not collide with "
                        + earlier
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
