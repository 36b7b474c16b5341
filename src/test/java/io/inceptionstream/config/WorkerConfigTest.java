package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {

  private static final Map<String, String> BOOTSTRAP = Map.of("bootstrap-servers", "broker:9092");

  @TempDir Path dir;

  private static WorkerConfig load(Map<String, String> flags) {
    return load(null, Map.of(), flags);
  }

  private static WorkerConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
    return ConfigLoader.load(file, env, flags, () -> "host-1");
  }

  private static Map<String, String> flags(String... keyValues) {
    Map<String, String> flags = new LinkedHashMap<>(BOOTSTRAP);
    for (int i = 0; i < keyValues.length; i += 2) {
      flags.put(keyValues[i], keyValues[i + 1]);
    }
    return flags;
  }

  private static Map<String, String> flagsInOrder(String... keyValues) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      flags.put(keyValues[i], keyValues[i + 1]);
    }
    return flags;
  }

  private static ConfigException failure(
      Path file, Map<String, String> env, Map<String, String> flags) {
    return assertThrows(ConfigException.class, () -> load(file, env, flags));
  }

  private Path file(String... lines) throws IOException {
    Path f = dir.resolve("worker.properties");
    Files.write(f, List.of(lines), StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void loadsEveryDefaultWhenOnlyBootstrapServersIsSet() {
    WorkerConfig c = load(BOOTSTRAP);
    assertEquals("broker:9092", c.bootstrapServers());
    assertEquals("inception-stream", c.group());
    assertEquals("", c.model());
    assertEquals("images", c.inputTopic());
    assertEquals("predictions", c.predictionsTopic());
    assertEquals("embeddings", c.embeddingsTopic());
    assertEquals("images.dlq", c.deadLetterTopic());
    assertFalse(c.createTopics());
    assertEquals(6, c.topicPartitions());
    assertEquals((short) 1, c.topicReplicationFactor());
    assertEquals(List.of("b5"), c.embeddingTaps());
    assertFalse(c.normalizeEmbeddings());
    assertEquals(5, c.topK());
    assertEquals("mxnet", c.engine());
    assertEquals("auto", c.device());
    assertEquals(0, c.threads());
    assertTrue(c.compiled());
    assertEquals(BatchSize.AUTO, c.batchMaxSize());
    assertEquals(Duration.ofMillis(50), c.batchMaxDelay());
    assertEquals(256, c.maxInFlight());
    assertEquals(128, c.resumeBelow());
    assertEquals(268_435_456L, c.maxInFlightBytes());
    assertEquals(0, c.decodeThreads());
    assertEquals(10_485_760, c.imageMaxBytes());
    assertEquals(40_000_000L, c.imageMaxPixels());
    assertEquals(Delivery.AT_LEAST_ONCE, c.delivery());
    assertEquals("host-1", c.workerId());
    assertEquals("inception-stream-inception-stream-host-1", c.transactionalId());
    assertEquals(Duration.ofSeconds(1), c.commitInterval());
    assertEquals(Duration.ofSeconds(30), c.shutdownTimeout());
    assertEquals(Duration.ofSeconds(30), c.connectTimeout());
    assertTrue(c.metricsEnabled());
    assertEquals("0.0.0.0", c.metricsBind());
    assertEquals(9404, c.metricsPort());
    assertTrue(c.jmxEnabled());
    assertEquals(Map.of(), c.kafkaConsumer());
    assertEquals(Map.of(), c.kafkaProducer());
    assertEquals(Map.of(), c.kafkaAdmin());
  }

  @Test
  void reportsAMissingBootstrapServersAsRequired() {
    ConfigException e = failure(null, Map.of(), Map.of());
    assertEquals(
        List.of("Missing required configuration bootstrap-servers which has no default value"),
        e.problems());
  }

  @Test
  void takesTheFileOverTheDefaultsTheEnvironmentOverTheFileAndFlagsOverTheEnvironment()
      throws IOException {
    Path f =
        file(
            "bootstrap-servers=file:9092",
            "batch.max-size=8",
            "prediction.top-k=2",
            "group=from-file",
            "metrics.port=1000");
    Map<String, String> env =
        Map.of(
            "INCEPTION_STREAM_BATCH_MAX_SIZE",
            "16",
            "INCEPTION_STREAM_GROUP",
            "from-env",
            "INCEPTION_STREAM_METRICS_PORT",
            "2000");
    WorkerConfig c = load(f, env, Map.of("batch.max-size", "24", "metrics.port", "3000"));
    assertEquals("file:9092", c.bootstrapServers());
    assertEquals(2, c.topK());
    assertEquals("from-env", c.group());
    assertEquals(BatchSize.of(24), c.batchMaxSize());
    assertEquals(3000, c.metricsPort());
    assertEquals(Duration.ofMillis(50), c.batchMaxDelay());
  }

  @Test
  void readsAFileWithCommentsEscapesAndUtf8() throws IOException {
    Path f =
        file(
            "# the worker",
            "bootstrap-servers = a:9092,b:9092",
            "group: caf\u00e9",
            "embedding.taps=b5, \\",
            "  a4.branch3");
    WorkerConfig c = load(f, Map.of(), Map.of());
    assertEquals("a:9092,b:9092", c.bootstrapServers());
    assertEquals("caf\u00e9", c.group());
    assertEquals(List.of("b5", "a4.branch3"), c.embeddingTaps());
  }

  @Test
  void readsEnvironmentVariablesNamedAfterTheKeysAndIgnoresOthers() {
    Map<String, String> env = new HashMap<>();
    env.put("INCEPTION_STREAM_BOOTSTRAP_SERVERS", "env:9092");
    env.put("INCEPTION_STREAM_TOPICS_DEAD_LETTER", "dead");
    env.put("INCEPTION_STREAM_PIPELINE_MAX_IN_FLIGHT_BYTES", "2097152");
    env.put("INCEPTION_STREAM_EXACTLY_ONCE_TRANSACTIONAL_ID", "tx-7");
    env.put("INCEPTION_STREAM_DELIVERY", "exactly-once");
    env.put("PATH", "/usr/bin");
    env.put("inception_stream_group", "lower-case is not ours");
    WorkerConfig c = load(null, env, Map.of());
    assertEquals("env:9092", c.bootstrapServers());
    assertEquals("dead", c.deadLetterTopic());
    assertEquals(2_097_152L, c.maxInFlightBytes());
    assertEquals("tx-7", c.transactionalId());
    assertEquals(Delivery.EXACTLY_ONCE, c.delivery());
    assertEquals("inception-stream", c.group());
  }

  @Test
  void mapsKafkaEnvironmentVariablesToPassThroughKeysReadingEveryUnderscoreAsADot() {
    assertEquals(
        "kafka.consumer.fetch.min.bytes",
        ConfigLoader.keyOfEnv("INCEPTION_STREAM_KAFKA_CONSUMER_FETCH_MIN_BYTES").orElseThrow());
    assertEquals(
        "kafka.security.protocol",
        ConfigLoader.keyOfEnv("INCEPTION_STREAM_KAFKA_SECURITY_PROTOCOL").orElseThrow());
    assertEquals(
        "batch.max-size", ConfigLoader.keyOfEnv("INCEPTION_STREAM_BATCH_MAX_SIZE").orElseThrow());
    assertTrue(ConfigLoader.keyOfEnv("INCEPTION_STREAM_BATCH_MAXSIZE").isEmpty());

    Map<String, String> env =
        Map.of(
            "INCEPTION_STREAM_KAFKA_CONSUMER_FETCH_MIN_BYTES", "1024",
            "INCEPTION_STREAM_KAFKA_SECURITY_PROTOCOL", "SSL",
            "INCEPTION_STREAM_KAFKA_PRODUCER_LINGER_MS", "5");
    WorkerConfig c = load(null, env, BOOTSTRAP);
    assertEquals(Map.of("fetch.min.bytes", "1024", "security.protocol", "SSL"), c.kafkaConsumer());
    assertEquals(Map.of("linger.ms", "5", "security.protocol", "SSL"), c.kafkaProducer());
    assertEquals(Map.of("security.protocol", "SSL"), c.kafkaAdmin());
  }

  @Test
  void mergesKafkaPropertiesWithTheClientsOwnKeyWinningOverTheCommonOne() {
    WorkerConfig c =
        load(
            flags(
                "kafka.client.id",
                "common",
                "kafka.consumer.client.id",
                "consumer",
                "kafka.admin.request.timeout.ms",
                "5000"));
    assertEquals(Map.of("client.id", "consumer"), c.kafkaConsumer());
    assertEquals(Map.of("client.id", "common"), c.kafkaProducer());
    assertEquals(Map.of("client.id", "common", "request.timeout.ms", "5000"), c.kafkaAdmin());
  }

  @Test
  void refusesKafkaPropertiesTheWorkerSetsItselfNamingTheKeyToUse() {
    ConfigException e =
        failure(
            null,
            Map.of(),
            flags(
                "kafka.consumer.group.id", "g",
                "kafka.bootstrap.servers", "b:9092",
                "kafka.producer.transactional.id", "t",
                "kafka.consumer.enable.auto.commit", "true",
                "kafka.admin.client.id", "fine"));
    assertEquals(
        List.of(
            "Invalid configuration kafka.consumer.group.id: the worker sets the consumer property group.id itself; use group instead",
            "Invalid configuration kafka.bootstrap.servers: the worker sets the consumer, producer and admin property bootstrap.servers itself; use bootstrap-servers instead",
            "Invalid configuration kafka.producer.transactional.id: the worker sets the producer property transactional.id itself; use exactly-once.transactional-id instead",
            "Invalid configuration kafka.consumer.enable.auto.commit: the worker sets the consumer property enable.auto.commit itself; it commits offsets once their results are acknowledged (see commit.interval)"),
        e.problems());
  }

  @Test
  void refusesACommonKafkaKeyThatWouldReachAClientWhichProtectsIt() {
    ConfigException e = failure(null, Map.of(), flags("kafka.value.serializer", "x"));
    assertEquals(
        List.of(
            "Invalid configuration kafka.value.serializer: the worker sets the producer property value.serializer itself; the wire format fixes it"),
        e.problems());
  }

  @Test
  void hidesKafkaCredentialsInDescribeAndToString() {
    WorkerConfig c =
        load(
            flags(
                "kafka.sasl.jaas.config",
                    "org.apache.kafka...PlainLoginModule required password=\"s3cr3t\";",
                "kafka.consumer.ssl.keystore.password", "s3cr3t",
                "kafka.producer.sasl.oauthbearer.client.credentials.client.secret", "s3cr3t",
                "kafka.admin.ssl.key.password", "s3cr3t",
                "kafka.ssl.keystore.key", "-----BEGIN PRIVATE KEY----- s3cr3t",
                "kafka.security.protocol", "SASL_SSL"));
    Map<String, String> d = c.describe();
    assertEquals("[hidden]", d.get("kafka.consumer.sasl.jaas.config"));
    assertEquals("[hidden]", d.get("kafka.producer.sasl.jaas.config"));
    assertEquals("[hidden]", d.get("kafka.consumer.ssl.keystore.password"));
    assertEquals(
        "[hidden]", d.get("kafka.producer.sasl.oauthbearer.client.credentials.client.secret"));
    assertEquals("[hidden]", d.get("kafka.admin.ssl.key.password"));
    assertEquals("[hidden]", d.get("kafka.admin.ssl.keystore.key"));
    assertEquals("SASL_SSL", d.get("kafka.admin.security.protocol"));
    assertFalse(d.toString().contains("s3cr3t"), d.toString());
    assertFalse(c.toString().contains("s3cr3t"), c.toString());
    assertEquals(
        "s3cr3t",
        c.kafkaConsumer().get("ssl.keystore.password"),
        "the clients still get the real value");
  }

  @Test
  void describesEveryEffectiveValueAsConfigurationText() {
    WorkerConfig c =
        load(
            flags(
                "batch.max-delay",
                "2000",
                "embedding.taps",
                "b5,a4.branch3",
                "kafka.consumer.fetch.min.bytes",
                "1"));
    Map<String, String> d = c.describe();
    List<String> declared = WorkerConfigDef.keys().stream().map(ConfigKey::name).toList();
    assertEquals(declared, new ArrayList<>(d.keySet()).subList(0, declared.size()));
    assertEquals("2s", d.get("batch.max-delay"));
    assertEquals("b5,a4.branch3", d.get("embedding.taps"));
    assertEquals("at-least-once", d.get("delivery"));
    assertEquals("host-1", d.get("worker.id"));
    assertEquals("1", d.get("kafka.consumer.fetch.min.bytes"));
    assertEquals(declared.size() + 1, d.size());
  }

  @Test
  void describesAConfigurationThatLoadsBackToAnEqualOne() {
    WorkerConfig c =
        load(
            flags(
                "batch.max-delay",
                "45s",
                "embedding.taps",
                "",
                "kafka.linger.ms",
                "5",
                "delivery",
                "exactly-once"));
    Map<String, String> flags = new LinkedHashMap<>();
    c.describe().forEach((k, v) -> flags.put(k, v));
    assertEquals(c, load(flags));
  }

  @Test
  void reportsUnknownKeysWithTheirSourceAndTheClosestValidKey() throws IOException {
    Path f = file("bootstrap-servers=b:9092", "batch.max-sise=3");
    ConfigException e =
        failure(
            f,
            Map.of("INCEPTION_STREAM_BATCH_MAXSIZE", "4", "INCEPTION_STREAM_COLOUR", "blue"),
            flagsInOrder("max-in-flight", "5", "fetch.min.bytes", "1"));
    assertEquals(
        List.of(
            "Unknown configuration batch.max-sise in file " + f + "; did you mean batch.max-size?",
            "Unknown configuration INCEPTION_STREAM_BATCH_MAXSIZE in the environment; did you mean INCEPTION_STREAM_BATCH_MAX_SIZE (batch.max-size)?",
            "Unknown configuration INCEPTION_STREAM_COLOUR in the environment (Kafka client properties go under INCEPTION_STREAM_KAFKA_)",
            "Unknown configuration max-in-flight on the command line; did you mean pipeline.max-in-flight?",
            "Unknown configuration fetch.min.bytes on the command line (Kafka client properties go under kafka., kafka.consumer., kafka.producer. or kafka.admin.)"),
        e.problems());
  }

  @Test
  void reportsEveryProblemTogetherOnePerLine() {
    ConfigException e =
        failure(
            null,
            Map.of("INCEPTION_STREAM_BATCH_MAX_SIZE", "0"),
            Map.of(
                "prediction.top-k",
                "many",
                "topics.input",
                "predictions",
                "kafka.group.id",
                "g",
                "colour",
                "blue"));
    List<String> expected =
        List.of(
            "Unknown configuration colour on the command line (Kafka client properties go under kafka., kafka.consumer., kafka.producer. or kafka.admin.)",
            "Missing required configuration bootstrap-servers which has no default value",
            "Invalid value predictions for configuration topics.predictions: must differ from topics.input",
            "Invalid value many for configuration prediction.top-k: must be an integer",
            "Invalid value 0 for configuration batch.max-size: must be auto or an integer between 1 and 4096",
            "Invalid configuration kafka.group.id: the worker sets the consumer property group.id itself; use group instead");
    assertEquals(expected.size(), e.problems().size(), e.getMessage());
    assertTrue(e.problems().containsAll(expected), e.getMessage());
    assertEquals(String.join("\n", e.problems()), e.getMessage());
  }

  @Test
  void joinsAsAStaticMemberOnlyWhenWorkerIdIsChosenUnlessToldOtherwise() {
    assertFalse(load(flags()).staticMembership(), "worker.id from the host name");
    assertTrue(load(flags("worker.id", "w-1")).staticMembership());
    assertFalse(
        load(flags("worker.id", "w-1", "group.static-membership", "off")).staticMembership());
    assertTrue(load(flags("group.static-membership", "on")).staticMembership());
    assertEquals("on", load(flags("worker.id", "w-1")).describe().get("group.static-membership"));
  }

  @Test
  void refusesADecodePixelBudgetSmallerThanTheLargestAcceptedImage() {
    ConfigException e =
        failure(
            null, Map.of(), flags("image.max-pixels", "1000", "image.decode-pixel-budget", "999"));
    assertEquals(
        List.of(
            "Invalid value 999 for configuration image.decode-pixel-budget: must be at least"
                + " image.max-pixels (1000)"),
        e.problems());
  }

  @Test
  void reportsAMissingOrUnreadableFileByItsPath() throws IOException {
    Path missing = dir.resolve("nowhere.properties");
    ConfigException e = failure(missing, Map.of(), BOOTSTRAP);
    assertEquals(
        List.of("Cannot read configuration file " + missing + ": no such file"), e.problems());

    Path directory = Files.createDirectory(dir.resolve("a-directory"));
    e = failure(directory, Map.of(), BOOTSTRAP);
    assertTrue(
        e.getMessage().startsWith("Cannot read configuration file " + directory + ": "),
        e.getMessage());

    Path malformed = dir.resolve("malformed.properties");
    Files.writeString(malformed, "group=\\uZZZZ\n");
    e = failure(malformed, Map.of(), BOOTSTRAP);
    assertTrue(
        e.getMessage().startsWith("Cannot read configuration file " + malformed + ": "),
        e.getMessage());
  }

  @Test
  void resolvesTheWorkerIdFromTheHostNameOrWorkerWhenThereIsNone() {
    assertEquals("host-1", load(BOOTSTRAP).workerId());
    assertEquals("worker", ConfigLoader.load(null, Map.of(), BOOTSTRAP, () -> null).workerId());
    assertEquals("worker", ConfigLoader.load(null, Map.of(), BOOTSTRAP, () -> " ").workerId());
    WorkerConfig named =
        ConfigLoader.load(
            null,
            Map.of(),
            flags("worker.id", "w-3", "group", "g"),
            () -> {
              throw new AssertionError("the host name is read only when worker.id is empty");
            });
    assertEquals("w-3", named.workerId());
    assertEquals("inception-stream-g-w-3", named.transactionalId());
    assertEquals("tx", load(flags("exactly-once.transactional-id", "tx")).transactionalId());
    assertTrue(ConfigLoader.localHostName() == null || !ConfigLoader.localHostName().isBlank());
  }

  @Test
  void acceptsAnEmptyTapListAsNoEmbeddings() {
    assertEquals(List.of(), load(flags("embedding.taps", "")).embeddingTaps());
  }

  @Test
  void validatesARecordBuiltWithoutTheLoader() {
    Map<String, Object> s = typedDefaults();
    s.put("batch.max-size", BatchSize.of(1));
    s.put("pipeline.max-in-flight", 0);
    s.put("worker.id", "");
    s.put("batch.max-delay", Duration.ofMinutes(5));
    s.put("bootstrap-servers", null);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> new WorkerConfig(s, Map.of("group.id", "g"), Map.of(), Map.of()));
    assertEquals(
        List.of(
            "Missing required configuration bootstrap-servers which has no default value",
            "Invalid value 5m for configuration batch.max-delay: must be at most 1m",
            "Invalid value 0 for configuration pipeline.max-in-flight: must be at least 1",
            "Invalid value \"\" for configuration worker.id: must not be empty once resolved (WorkerConfig.load derives the empty default)",
            "Invalid configuration kafka.consumer.group.id: the worker sets the consumer property group.id itself; use group instead"),
        e.problems());
  }

  @Test
  void keepsItsListsAndMapsImmutableCopies() {
    Map<String, Object> s = typedDefaults();
    List<String> taps = new ArrayList<>(List.of("b5"));
    s.put("embedding.taps", taps);
    Map<String, String> consumer = new HashMap<>(Map.of("fetch.min.bytes", "1"));
    WorkerConfig c = new WorkerConfig(s, consumer, Map.of(), Map.of());
    taps.add("a3");
    consumer.put("fetch.max.bytes", "2");
    assertEquals(List.of("b5"), c.embeddingTaps());
    assertEquals(Map.of("fetch.min.bytes", "1"), c.kafkaConsumer());
    assertThrows(UnsupportedOperationException.class, () -> c.embeddingTaps().add("a3"));
    assertThrows(UnsupportedOperationException.class, () -> c.kafkaProducer().put("acks", "all"));
    assertThrows(UnsupportedOperationException.class, () -> c.describe().put("group", "x"));
  }

  /** A declared key, a value other than its default, and its accessor. */
  private record Row(String key, String other, Function<WorkerConfig, Object> accessor) {}

  private static final List<Row> ROWS =
      List.of(
          new Row("bootstrap-servers", "other:1", WorkerConfig::bootstrapServers),
          new Row("group", "g2", WorkerConfig::group),
          new Row("group.static-membership", "on", WorkerConfig::staticMembership),
          new Row("model", "/m", WorkerConfig::model),
          new Row("topics.input", "in", WorkerConfig::inputTopic),
          new Row("topics.predictions", "pred", WorkerConfig::predictionsTopic),
          new Row("topics.embeddings", "emb", WorkerConfig::embeddingsTopic),
          new Row("topics.dead-letter", "dead", WorkerConfig::deadLetterTopic),
          new Row("topics.create", "true", WorkerConfig::createTopics),
          new Row("topics.partitions", "7", WorkerConfig::topicPartitions),
          new Row("topics.replication-factor", "3", WorkerConfig::topicReplicationFactor),
          new Row("embedding.taps", "a3,b4", WorkerConfig::embeddingTaps),
          new Row("embedding.normalize", "true", WorkerConfig::normalizeEmbeddings),
          new Row("prediction.top-k", "9", WorkerConfig::topK),
          new Row("inference.engine", "pytorch", WorkerConfig::engine),
          new Row("inference.device", "gpu1", WorkerConfig::device),
          new Row("inference.threads", "11", WorkerConfig::threads),
          new Row("inference.compiled", "false", WorkerConfig::compiled),
          new Row("batch.max-size", "13", WorkerConfig::batchMaxSize),
          new Row("batch.max-delay", "17ms", WorkerConfig::batchMaxDelay),
          new Row("pipeline.max-in-flight", "300", WorkerConfig::maxInFlight),
          new Row("pipeline.resume-below", "19", WorkerConfig::resumeBelow),
          new Row("pipeline.max-in-flight-bytes", "2097153", WorkerConfig::maxInFlightBytes),
          new Row("pipeline.decode-threads", "23", WorkerConfig::decodeThreads),
          new Row("image.max-bytes", "29", WorkerConfig::imageMaxBytes),
          new Row("image.max-pixels", "31", WorkerConfig::imageMaxPixels),
          new Row("image.decode-pixel-budget", "90000001", WorkerConfig::imageDecodePixelBudget),
          new Row("pipeline.decode-timeout", "7s", WorkerConfig::decodeTimeout),
          new Row("inference.precision", "int8", WorkerConfig::precision),
          new Row("inference.stand-in.cost", "2ms+20us", WorkerConfig::standInCost),
          new Row("inference.timeout", "9s", WorkerConfig::inferenceTimeout),
          new Row("delivery", "exactly-once", WorkerConfig::delivery),
          new Row("exactly-once.transactional-id", "tx2", WorkerConfig::transactionalId),
          new Row("worker.id", "w2", WorkerConfig::workerId),
          new Row("commit.interval", "37ms", WorkerConfig::commitInterval),
          new Row("shutdown.timeout", "41s", WorkerConfig::shutdownTimeout),
          new Row("connect.timeout", "43s", WorkerConfig::connectTimeout),
          new Row("metrics.enabled", "false", WorkerConfig::metricsEnabled),
          new Row("metrics.bind", "127.0.0.1", WorkerConfig::metricsBind),
          new Row("metrics.port", "47", WorkerConfig::metricsPort),
          new Row("metrics.jmx", "false", WorkerConfig::jmxEnabled),
          new Row("kafka.config", "", c -> c.get(WorkerConfigDef.KAFKA_CONFIG)));

  @Test
  void wiresEveryAccessorToItsOwnKeyAndNoOther() throws IOException {
    String clientFile = Files.createFile(dir.resolve("client.properties")).toString();
    // the transactional id and static membership are set, so that group and worker.id do not
    // change them by derivation
    Map<String, String> base =
        flags(
            "exactly-once.transactional-id",
            "tx",
            "group.static-membership",
            "off",
            "kafka.config",
            clientFile);
    WorkerConfig before = load(base);
    assertEquals(
        WorkerConfigDef.keys().stream().map(ConfigKey::name).sorted().toList(),
        ROWS.stream().map(Row::key).sorted().toList(),
        "one row per declared key");
    for (Row changed : ROWS) {
      Map<String, String> flags = new LinkedHashMap<>(base);
      flags.put(changed.key(), changed.other());
      WorkerConfig after = load(flags);
      for (Row row : ROWS) {
        ConfigKey<?> key = WorkerConfigDef.key(row.key());
        assertEquals(
            row == changed,
            !before.get(key).equals(after.get(key)),
            "get(" + row.key() + ") when " + changed.key() + " changes");
        assertEquals(
            row == changed,
            !row.accessor().apply(before).equals(row.accessor().apply(after)),
            row.key() + "'s accessor when " + changed.key() + " changes");
      }
    }
  }

  @Test
  void getsOnlyTheKeysWorkerConfigDefDeclares() {
    WorkerConfig c = load(flags("batch.max-size", "24"));
    BatchSize size = c.get(WorkerConfigDef.BATCH_MAX_SIZE);
    assertEquals(BatchSize.of(24), size);
    ConfigKey<Integer> lookalike =
        new ConfigKey<>(
            ConfigKey.INT, "batch.max-size", "32", Validator.any(), "Not the declared one.");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> c.get(lookalike));
    assertEquals("Undeclared configuration key batch.max-size", e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> c.values().put("group", "x"));
  }

  @Test
  void refusesUnknownNamesAndValuesOfTheWrongTypeInARecordBuiltWithoutTheLoader() {
    Map<String, Object> s = typedDefaults();
    s.put("colour", "blue");
    s.put("batch.max-size", 8L);
    s.remove("group");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> new WorkerConfig(s, Map.of(), Map.of(), Map.of()));
    assertEquals(
        List.of(
            "Unknown configuration colour",
            "Missing value for configuration group",
            "Invalid value 8 for configuration batch.max-size: must be of type auto or int, not java.lang.Long"),
        e.problems());
  }

  @Test
  void appliesTheKafkaConfigFileToEveryClientBelowEveryKafkaKeyFromAnySource() throws IOException {
    Path client =
        Files.writeString(
            dir.resolve("client.properties"),
            String.join(
                "\n",
                "# as for kafka-console-consumer --command-config",
                "security.protocol=SSL",
                "client.rack=from-client-file",
                "linger.ms=1",
                "request.timeout.ms=1",
                "fetch.min.bytes=1"));
    Path f =
        file(
            "bootstrap-servers=b:9092",
            "kafka.config=" + client,
            "kafka.client.rack=from-worker-file");
    Map<String, String> env = Map.of("INCEPTION_STREAM_KAFKA_PRODUCER_LINGER_MS", "7");
    WorkerConfig c =
        load(
            f,
            env,
            Map.of("kafka.admin.request.timeout.ms", "9", "kafka.consumer.fetch.min.bytes", "2"));
    assertEquals(
        Map.of(
            "security.protocol", "SSL",
            "client.rack", "from-worker-file",
            "linger.ms", "1",
            "request.timeout.ms", "1",
            "fetch.min.bytes", "2"),
        c.kafkaConsumer());
    assertEquals(
        Map.of(
            "security.protocol", "SSL",
            "client.rack", "from-worker-file",
            "linger.ms", "7",
            "request.timeout.ms", "1",
            "fetch.min.bytes", "1"),
        c.kafkaProducer());
    assertEquals(
        Map.of(
            "security.protocol", "SSL",
            "client.rack", "from-worker-file",
            "linger.ms", "1",
            "request.timeout.ms", "9",
            "fetch.min.bytes", "1"),
        c.kafkaAdmin());
    assertEquals(client.toString(), c.describe().get("kafka.config"));
  }

  @Test
  void takesKafkaConfigFromTheEnvironmentAndReadsNoFileWhenItIsEmpty() throws IOException {
    Path client = Files.writeString(dir.resolve("client.properties"), "security.protocol=SSL\n");
    WorkerConfig fromEnv =
        load(null, Map.of("INCEPTION_STREAM_KAFKA_CONFIG", client.toString()), BOOTSTRAP);
    assertEquals(client.toString(), fromEnv.get(WorkerConfigDef.KAFKA_CONFIG));
    assertEquals(Map.of("security.protocol", "SSL"), fromEnv.kafkaAdmin());
    WorkerConfig none =
        load(
            null,
            Map.of("INCEPTION_STREAM_KAFKA_CONFIG", client.toString()),
            flags("kafka.config", ""));
    assertEquals("", none.get(WorkerConfigDef.KAFKA_CONFIG));
    assertEquals(Map.of(), none.kafkaConsumer());
  }

  @Test
  void refusesPropertiesTheWorkerSetsItselfInTheKafkaConfigFileNamingTheFile() throws IOException {
    Path client =
        Files.writeString(
            dir.resolve("client.properties"),
            "key.serializer=x\ngroup.id=g\nsecurity.protocol=SSL\nbootstrap.servers=b:1\n");
    ConfigException e =
        failure(
            null,
            Map.of(),
            flags("kafka.config", client.toString(), "kafka.enable.auto.commit", "true"));
    String in = " in kafka.config file " + client + ": the worker sets the ";
    assertEquals(
        List.of(
            "Invalid property bootstrap.servers"
                + in
                + "consumer, producer and admin property bootstrap.servers itself; use bootstrap-servers instead",
            "Invalid property group.id"
                + in
                + "consumer property group.id itself; use group instead",
            "Invalid property key.serializer"
                + in
                + "producer property key.serializer itself; the wire format fixes it",
            "Invalid configuration kafka.enable.auto.commit: the worker sets the consumer property enable.auto.commit itself; it commits offsets once their results are acknowledged (see commit.interval)"),
        e.problems());
  }

  @Test
  void reportsAMissingKafkaConfigFileByKeyAndPathWithTheOtherProblems() {
    Path missing = dir.resolve("nowhere.properties");
    ConfigException e =
        failure(null, Map.of(), flags("kafka.config", missing.toString(), "batch.max-size", "0"));
    assertEquals(
        List.of(
            "Invalid value 0 for configuration batch.max-size: must be auto or an integer between 1 and 4096",
            "Cannot read kafka.config file " + missing + ": no such file"),
        e.problems());
  }

  @Test
  void hidesCredentialsFromTheKafkaConfigFileAndDescribesAConfigurationThatLoadsBack()
      throws IOException {
    Path client =
        Files.writeString(
            dir.resolve("client.properties"),
            String.join(
                "\n",
                "sasl.jaas.config=PlainLoginModule required password=\"s3cr3t\";",
                "ssl.truststore.password=s3cr3t",
                "ssl.keystore.key=-----BEGIN PRIVATE KEY----- s3cr3t",
                "security.protocol=SASL_SSL"));
    WorkerConfig c = load(flags("kafka.config", client.toString(), "kafka.linger.ms", "5"));
    Map<String, String> d = c.describe();
    for (String clientName : List.of("consumer", "producer", "admin")) {
      String prefix = "kafka." + clientName + ".";
      assertEquals("[hidden]", d.get(prefix + "sasl.jaas.config"), d.toString());
      assertEquals("[hidden]", d.get(prefix + "ssl.truststore.password"), d.toString());
      assertEquals("[hidden]", d.get(prefix + "ssl.keystore.key"), d.toString());
      assertEquals("SASL_SSL", d.get(prefix + "security.protocol"), d.toString());
    }
    assertFalse(d.toString().contains("s3cr3t"), d.toString());
    assertFalse(c.toString().contains("s3cr3t"), c.toString());
    assertEquals("s3cr3t", c.kafkaProducer().get("ssl.truststore.password"));

    Map<String, String> again = new LinkedHashMap<>();
    d.forEach(
        (k, v) -> {
          if (!v.equals("[hidden]")) {
            again.put(k, v);
          }
        });
    assertEquals(c, load(again), "the file is read again and gives the hidden values back");
  }

  private static Map<String, Object> typedDefaults() {
    Map<String, Object> s = new LinkedHashMap<>();
    for (ConfigKey<?> k : WorkerConfigDef.keys()) {
      s.put(k.name(), k.required() ? "broker:9092" : k.type().parse(k.defaultValue()));
    }
    s.put("worker.id", "w");
    s.put("exactly-once.transactional-id", "tx");
    return s;
  }
}
