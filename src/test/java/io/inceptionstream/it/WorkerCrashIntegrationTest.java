package io.inceptionstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.avro.Prediction;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.pipeline.Worker;
import io.inceptionstream.testing.ChildProcessKafka;
import io.inceptionstream.testing.Inputs;
import io.inceptionstream.testing.NoLeaksExtension;
import io.inceptionstream.testing.Records;
import io.inceptionstream.testing.TestModels;
import io.inceptionstream.testing.WorkerProcess;
import io.inceptionstream.testing.Workers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failures as a deployment sees them: workers in child JVMs killed with SIGKILL or stopped with
 * SIGTERM, and the broker itself killed, all mid-stream on a real broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoLeaksExtension.class)
class WorkerCrashIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final int N = 80;

  private ChildProcessKafka kafka;
  private ModelDirectory model;
  private Path work;

  @BeforeAll
  void cluster() throws Exception {
    work = Files.createTempDirectory("crash-it");
    kafka = ChildProcessKafka.start(work.resolve("kafka"));
    model = TestModels.random();
  }

  @AfterAll
  void stop() throws Exception {
    kafka.close();
  }

  private Map<String, String> flags(String name, String delivery) {
    Map<String, String> f =
        Workers.baseFlags(kafka.bootstrapServers(), model, "g-" + name, "crash-" + name);
    f.put("topics.input", name + ".images");
    f.put("topics.predictions", name + ".predictions");
    f.put("topics.embeddings", name + ".embeddings");
    f.put("topics.dead-letter", name + ".dlq");
    f.put("delivery", delivery);
    f.put("batch.max-size", "8");
    return f;
  }

  private String setUp(TestInfo info) throws Exception {
    String name = info.getTestMethod().orElseThrow().getName();
    Topics.create(
        kafka.bootstrapServers(),
        List.of(name + ".images", name + ".predictions", name + ".embeddings", name + ".dlq"),
        2,
        (short) 1,
        Duration.ofSeconds(60));
    Records.send(kafka.bootstrapServers(), name + ".images", Inputs.shapes("img", N, 11));
    return name;
  }

  /** Prediction count per id, read with read_committed, once every id has one (or the timeout). */
  private Map<String, Integer> predictionsPerId(String topic) {
    List<ConsumerRecord<byte[], byte[]>> records =
        Records.readUntil(
            kafka.bootstrapServers(),
            topic,
            l -> distinctIds(l) >= N,
            TIMEOUT,
            Duration.ofSeconds(3));
    Map<String, Integer> count = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      count.merge(id(r), 1, Integer::sum);
    }
    return count;
  }

  private static long distinctIds(List<ConsumerRecord<byte[], byte[]>> l) {
    return l.stream().map(WorkerCrashIntegrationTest::id).distinct().count();
  }

  private static String id(ConsumerRecord<byte[], byte[]> r) {
    try {
      Prediction p = WireFormat.decodePrediction(r.value());
      return p.getId();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Returns once the first few predictions are readable: the worker is mid-stream. */
  private void awaitFirstPredictions(String name) {
    Records.readUntil(
        kafka.bootstrapServers(),
        name + ".predictions",
        l -> l.size() >= 5,
        TIMEOUT,
        Duration.ZERO);
  }

  private void killMidStream(String name, Map<String, String> flags) throws Exception {
    try (WorkerProcess first = WorkerProcess.start(flags, work.resolve("logs"))) {
      first.awaitReady(TIMEOUT);
      // Wait for the first committed outputs, then kill without warning.
      awaitFirstPredictions(name);
      first.kill();
    }
  }

  @Test
  void aKilledWorkerLosesNothingAtLeastOnce(TestInfo info) throws Exception {
    String name = setUp(info);
    Map<String, String> flags = flags(name, "at-least-once");
    killMidStream(name, flags);
    try (WorkerProcess second = WorkerProcess.start(flags, work.resolve("logs"))) {
      second.awaitReady(TIMEOUT);
      Map<String, Integer> count = predictionsPerId(name + ".predictions");
      assertEquals(N, count.size(), "every input has at least one prediction");
      assertEquals(0, second.terminate(Duration.ofSeconds(60)), "SIGTERM exits 0");
    }
  }

  @Test
  void aKilledWorkerProducesExactlyOnePredictionPerImageInExactlyOnceMode(TestInfo info)
      throws Exception {
    String name = setUp(info);
    Map<String, String> flags = flags(name, "exactly-once");
    killMidStream(name, flags);
    try (WorkerProcess second = WorkerProcess.start(flags, work.resolve("logs"))) {
      second.awaitReady(TIMEOUT);
      Map<String, Integer> count = predictionsPerId(name + ".predictions");
      assertEquals(N, count.size(), "every input predicted");
      assertTrue(
          count.values().stream().allMatch(c -> c == 1), "no duplicates: " + duplicates(count));
      assertEquals(0, second.terminate(Duration.ofSeconds(60)));
    }
    Map<Integer, Long> committed = Records.committed(kafka.bootstrapServers(), "g-" + name);
    assertEquals(
        N,
        committed.values().stream().mapToLong(Long::longValue).sum(),
        "offsets committed with the outputs");
  }

  @Test
  void sigtermFinishesInFlightWorkCommitsAndExitsZero(TestInfo info) throws Exception {
    String name = setUp(info);
    Map<String, String> flags = flags(name, "at-least-once");
    try (WorkerProcess w = WorkerProcess.start(flags, work.resolve("logs"))) {
      w.awaitReady(TIMEOUT);
      awaitFirstPredictions(name);
      assertEquals(0, w.terminate(Duration.ofSeconds(60)), "exit code after SIGTERM:\n" + w.tail());
    }
    // Everything committed has its prediction: the drain lost nothing.
    Map<Integer, Long> committed = Records.committed(kafka.bootstrapServers(), "g-" + name);
    List<ConsumerRecord<byte[], byte[]>> preds =
        Records.read(kafka.bootstrapServers(), name + ".predictions", N, Duration.ofSeconds(10));
    Map<Integer, java.util.Set<Long>> predicted = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : preds) {
      Prediction p = WireFormat.decodePrediction(r.value());
      predicted
          .computeIfAbsent(p.getSource().getPartition(), k -> new java.util.HashSet<>())
          .add(p.getSource().getOffset());
    }
    for (Map.Entry<Integer, Long> e : committed.entrySet()) {
      for (long o = 0; o < e.getValue(); o++) {
        assertTrue(
            predicted.getOrDefault(e.getKey(), java.util.Set.of()).contains(o),
            "offset " + o + " of partition " + e.getKey() + " committed without a prediction");
      }
    }
    assertTrue(
        committed.values().stream().mapToLong(Long::longValue).sum() > 0,
        "something was committed");
  }

  @Test
  void aKilledAndRestartedBrokerLosesNothing(TestInfo info) throws Exception {
    String name = setUp(info);
    Map<String, String> extra = new HashMap<>(flags(name, "at-least-once"));
    Worker w = Workers.start(kafka.bootstrapServers(), model, "g-" + name, "broker-kill", extra);
    try {
      awaitFirstPredictions(name);
      kafka.kill();
      Thread.sleep(2000);
      kafka.restart();
      Map<String, Integer> count = predictionsPerId(name + ".predictions");
      assertEquals(N, count.size(), "every input predicted after the broker came back");
      assertTrue(w.failure() == null, "the worker rode out the restart: " + w.failure());
    } finally {
      Workers.stop(w);
    }
  }

  @Test
  void exactlyOnceStaysExactWhenASecondWorkerJoinsMidStream(TestInfo info) throws Exception {
    String name = setUp(info);
    Map<String, String> a = flags(name, "exactly-once");
    Map<String, String> b = new HashMap<>(a);
    b.put("worker.id", a.get("worker.id") + "-b");
    try (WorkerProcess first = WorkerProcess.start(a, work.resolve("logs"))) {
      first.awaitReady(TIMEOUT);
      awaitFirstPredictions(name);
      try (WorkerProcess second = WorkerProcess.start(b, work.resolve("logs"))) {
        second.awaitReady(TIMEOUT);
        Map<String, Integer> count = predictionsPerId(name + ".predictions");
        assertEquals(N, count.size(), "every input predicted");
        assertTrue(
            count.values().stream().allMatch(c -> c == 1),
            "no duplicates across the rebalance: " + duplicates(count));
        assertEquals(
            0, second.terminate(Duration.ofSeconds(60)), "second worker:\n" + second.tail());
      }
      assertEquals(
          0,
          first.terminate(Duration.ofSeconds(60)),
          "first worker, which lost a partition mid-stream:\n" + first.tail());
    }
  }

  @Test
  void sigtermDuringStartUpExitsZeroWithoutConsuming(TestInfo info) throws Exception {
    String name = setUp(info);
    try (WorkerProcess w =
        WorkerProcess.start(flags(name, "at-least-once"), work.resolve("logs"))) {
      w.awaitLog("Metrics and health on", TIMEOUT); // start-up has begun; the model is loading
      assertEquals(0, w.terminate(Duration.ofSeconds(60)), w.tail());
    }
    assertEquals(
        Map.of(),
        Records.committed(kafka.bootstrapServers(), "g-" + name),
        "nothing consumed, nothing committed");
  }

  private static Map<String, Integer> duplicates(Map<String, Integer> count) {
    Map<String, Integer> d = new HashMap<>();
    count.forEach(
        (k, v) -> {
          if (v != 1) {
            d.put(k, v);
          }
        });
    return d;
  }
}
