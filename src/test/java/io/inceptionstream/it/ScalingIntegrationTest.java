package io.inceptionstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.bench.ScalingBenchmark;
import io.inceptionstream.testing.ChildProcessKafka;
import io.inceptionstream.testing.NoLeaksExtension;
import io.inceptionstream.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scaling benchmark's SIGKILL run as a test of behaviour, not speed: worker processes share a
 * six-partition backlog, one is killed mid-stream and restarted with the same worker.id, and every
 * input still gets a prediction.
 */
@ExtendWith(NoLeaksExtension.class)
class ScalingIntegrationTest {

  private static final int IMAGES = 300;

  @Test
  void everyInputIsPredictedWhenAWorkerIsKilledMidStreamAndRestarted() throws Exception {
    Path work = Files.createTempDirectory("scaling-it");
    try (ChildProcessKafka kafka = ChildProcessKafka.start(work.resolve("kafka"))) {
      ScalingBenchmark bench =
          new ScalingBenchmark(
              new ScalingBenchmark.Settings(
                  "stand-in",
                  TestModels.random().path(),
                  IMAGES,
                  6,
                  List.of(2),
                  true,
                  1,
                  // Short sessions, so the killed worker's partitions move on quickly even without
                  // static membership.
                  Map.of(
                      "kafka.consumer.session.timeout.ms", "6000",
                      "kafka.consumer.heartbeat.interval.ms", "1000",
                      "shutdown.timeout", "20s"),
                  null,
                  Duration.ofMinutes(3)),
              line -> System.err.println("[scaling-it] " + line));
      ScalingBenchmark.Run run = bench.runOnce(kafka.bootstrapServers(), "", work, 2, true);
      assertNotNull(run.killed(), "a worker was killed mid-stream");
      assertTrue(
          run.killed().predictedBefore() < IMAGES, "the kill came before the end: " + run.killed());
      assertEquals(0, run.lost(), "no input without a prediction: " + run);
      assertEquals(IMAGES, run.predicted(), "every input predicted");
      assertTrue(run.duplicates() >= 0, "duplicates are counted apart: " + run);
      assertEquals(
          run.predicted() + run.duplicates(),
          run.predictionsPerWorker().values().stream().mapToInt(Integer::intValue).sum(),
          "every prediction is attributed to a worker: " + run.predictionsPerWorker());
    } finally {
      try (var walk = Files.walk(work)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
