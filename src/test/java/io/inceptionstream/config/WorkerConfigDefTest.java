package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerConfigDefTest {

  /** The one problem reported when only {@code key} is set to {@code value}. */
  private static String problemWith(String key, String value) {
    return problemWithAll(Map.of(key, value));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "bootstrap-servers | \"  \" | must not be blank",
        "group | \"\" | must not be blank",
        "model | \" \" | must be empty or a file-system path",
        "kafka.config | \" \" | must be empty or a file-system path",
        "topics.input | images! | must be a Kafka topic name: 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-', other than '.' and '..'",
        "topics.predictions | .. | must be a Kafka topic name: 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-', other than '.' and '..'",
        "topics.embeddings | \"\" | must be a Kafka topic name: 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-', other than '.' and '..'",
        "topics.create | yes | must be true or false",
        "topics.partitions | 0 | must be at least 1",
        "topics.partitions | 3000000000 | must be an integer between -2147483648 and 2147483647",
        "topics.replication-factor | 0 | must be at least 1",
        "topics.replication-factor | 32768 | must be at most 32767",
        "embedding.taps | b5,z9 | each entry must be a module (a3, b3, a4, b4, c4, d4, e4, a5, b5), optionally followed by .branch1 to .branch4",
        "embedding.taps | a4.branch5 | each entry must be a module (a3, b3, a4, b4, c4, d4, e4, a5, b5), optionally followed by .branch1 to .branch4",
        "embedding.taps | B5 | each entry must be a module (a3, b3, a4, b4, c4, d4, e4, a5, b5), optionally followed by .branch1 to .branch4",
        "embedding.taps | b5,b5 | must not repeat an entry",
        "embedding.normalize | 1 | must be true or false",
        "prediction.top-k | 0 | must be at least 1",
        "prediction.top-k | five | must be an integer",
        "inference.engine | tensorflow | must be one of mxnet, pytorch, stand-in",
        "inference.engine | MXNet | must be one of mxnet, pytorch, stand-in",
        "inference.device | gpu | must be auto, cpu or gpuN (gpu0, gpu1, ...)",
        "inference.threads | -1 | must be at least 0",
        "inference.compiled | on | must be true or false",
        "batch.max-size | 0 | must be auto or an integer between 1 and 4096",
        "batch.max-size | 5000 | must be auto or an integer between 1 and 4096",
        "batch.max-size | x | must be auto or an integer between 1 and 4096",
        "batch.max-size | Auto | must be auto or an integer between 1 and 4096",
        "batch.max-delay | 2m | must be at most 1m",
        "batch.max-delay | 50 ms | must be a duration such as 500ms, 30s, 2m or 1h (a plain integer means milliseconds)",
        "pipeline.max-in-flight | 0 | must be at least 1",
        "pipeline.resume-below | -1 | must be at least 0",
        "pipeline.max-in-flight-bytes | 1048575 | must be at least 1048576",
        "pipeline.decode-threads | -2 | must be at least 0",
        "image.max-bytes | 0 | must be at least 1",
        "image.max-pixels | 0 | must be at least 1",
        "delivery | at-most-once | must be one of at-least-once, exactly-once",
        "exactly-once.transactional-id | \" \" | must be empty or not blank",
        "worker.id | \" \" | must be empty or not blank",
        "commit.interval | 5ms | must be at least 10ms",
        "shutdown.timeout | -1s | must be a duration such as 500ms, 30s, 2m or 1h (a plain integer means milliseconds)",
        "connect.timeout | 999 | must be at least 1s",
        "metrics.enabled | enabled | must be true or false",
        "metrics.bind | \"\" | must not be blank",
        "metrics.port | 65536 | must be at most 65535",
        "metrics.port | -1 | must be at least 0",
        "metrics.jmx | no | must be true or false",
      })
  void reportsTheKeyTheValueAndTheRuleABadValueBreaks(String key, String value, String rule) {
    assertEquals(ConfigException.invalidValue(key, value, rule), problemWith(key, value));
  }

  @Test
  void wordsABadValueExactlyAsKafkaDoes() {
    assertEquals(
        "Invalid value 0 for configuration batch.max-size: must be auto or an integer between 1 and 4096",
        problemWith("batch.max-size", "0"));
    assertEquals(
        "Invalid value \"\" for configuration group: must not be blank", problemWith("group", ""));
    assertEquals(
        "Invalid value \" \" for configuration metrics.bind: must not be blank",
        problemWith("metrics.bind", " "));
  }

  @Test
  void refusesTopicNamesLongerThan249Characters() {
    String longest = "t".repeat(249);
    assertEquals(
        longest,
        ConfigLoader.load(
                null,
                Map.of(),
                Map.of("bootstrap-servers", "b:9092", "topics.input", longest),
                () -> "h")
            .inputTopic());
    assertTrue(
        problemWith("topics.input", longest + "t")
            .startsWith(
                "Invalid value "
                    + longest
                    + "t for configuration topics.input: must be a Kafka topic name"));
  }

  @Test
  void refusesAModelPathThePlatformCannotRepresent() {
    assertEquals(
        "Invalid value a\0b for configuration model: must be empty or a file-system path",
        problemWith("model", "a\0b"));
  }

  @Test
  void requiresPipelineMaxInFlightToHoldAFullBatch() {
    assertEquals(
        "Invalid value 16 for configuration pipeline.max-in-flight: must be at least batch.max-size (32)",
        problemWithAll(
            Map.of(
                "batch.max-size", "32",
                "pipeline.max-in-flight", "16",
                "pipeline.resume-below", "8")));
  }

  @Test
  void acceptsAutoWithASmallWindowSinceAutoTriesNoSizeAboveIt() {
    Map<String, String> flags =
        new HashMap<>(
            Map.of(
                "bootstrap-servers",
                "broker:9092",
                "pipeline.max-in-flight",
                "48",
                "pipeline.resume-below",
                "8"));
    assertEquals(
        48, ConfigLoader.load(null, Map.of(), flags, () -> "host-1").maxInFlight(), "loads");
  }

  @Test
  void requiresPipelineResumeBelowToBeLessThanMaxInFlight() {
    assertEquals(
        "Invalid value 256 for configuration pipeline.resume-below: must be less than pipeline.max-in-flight (256)",
        problemWithAll(Map.of("pipeline.resume-below", "256")));
  }

  @Test
  void requiresTheFourTopicsToDiffer() {
    assertEquals(
        "Invalid value images for configuration topics.dead-letter: must differ from topics.input",
        problemWithAll(Map.of("topics.dead-letter", "images")));
    assertEquals(
        "Invalid value my_topic for configuration topics.embeddings: must not collide with topics.predictions (my.topic): Kafka treats . and _ in topic names alike",
        problemWithAll(Map.of("topics.predictions", "my.topic", "topics.embeddings", "my_topic")));
  }

  @Test
  void reportsAValueThatBreaksItsOwnRuleOnceNotAgainAgainstItsNeighbours() {
    assertEquals(
        "Invalid value 0 for configuration pipeline.max-in-flight: must be at least 1",
        problemWithAll(Map.of("pipeline.max-in-flight", "0")));
  }

  private static String problemWithAll(Map<String, String> settings) {
    Map<String, String> flags = new HashMap<>(Map.of("bootstrap-servers", "broker:9092"));
    flags.putAll(settings);
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ConfigLoader.load(null, Map.of(), flags, () -> "host-1"));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  @Test
  void declaresEveryKeyOnceWithDocumentationAndADistinctEnvironmentName() {
    Set<String> names = new HashSet<>();
    Set<String> env = new HashSet<>();
    for (ConfigKey<?> k : WorkerConfigDef.keys()) {
      assertTrue(names.add(k.name()), k.name());
      assertTrue(env.add(WorkerConfigDef.envName(k.name())), k.name());
      assertTrue(k.documentation().endsWith("."), k.name() + " documentation should be a sentence");
    }
    assertEquals(42, names.size());
    assertEquals(
        List.of(WorkerConfigDef.BOOTSTRAP_SERVERS.name()),
        WorkerConfigDef.keys().stream().filter(ConfigKey::required).map(ConfigKey::name).toList());
  }

  @Test
  void namesEnvironmentVariablesAfterTheKey() {
    assertEquals("INCEPTION_STREAM_BATCH_MAX_SIZE", WorkerConfigDef.envName("batch.max-size"));
    assertEquals(
        "INCEPTION_STREAM_EXACTLY_ONCE_TRANSACTIONAL_ID",
        WorkerConfigDef.envName("exactly-once.transactional-id"));
    assertEquals("INCEPTION_STREAM_GROUP", WorkerConfigDef.envName("group"));
  }

  @Test
  void refusesADeclarationWhoseDefaultBreaksItsRule() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ConfigKey<>(ConfigKey.INT, "x.size", "0", Validator.atLeast(1), "Doc."));
    assertEquals(
        "Invalid value 0 for configuration x.size: must be at least 1 (the declared default)",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ConfigKey<>(ConfigKey.STRING, "kafka.x", "", Validator.any(), "Doc."));
  }

  @Test
  void findsDeclaredKeysOnlyByTheirExactName() {
    assertTrue(WorkerConfigDef.find("batch.max-size").isPresent());
    assertFalse(WorkerConfigDef.find("BATCH.MAX-SIZE").isPresent());
  }

  @Test
  void declaresKafkaConfigAsTheOnlyKeyUnderTheKafkaPrefix() {
    assertEquals(
        List.of("kafka.config"),
        WorkerConfigDef.keys().stream()
            .map(ConfigKey::name)
            .filter(n -> n.startsWith("kafka."))
            .toList());
    assertEquals("INCEPTION_STREAM_KAFKA_CONFIG", WorkerConfigDef.envName("kafka.config"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ConfigKey<>(ConfigKey.PATH, "kafka.consumer.config", "", Validator.any(), "Doc."));
  }

  @Test
  void typesEveryDefaultAsTheKeysTypeReadsIt() {
    for (ConfigKey<?> k : WorkerConfigDef.keys()) {
      if (!k.required()) {
        Object parsed = k.parse(k.defaultValue());
        assertEquals(k.type().parse(k.defaultValue()), parsed, k.name());
        assertEquals(parsed, k.cast(parsed), k.name());
      }
    }
  }
}
