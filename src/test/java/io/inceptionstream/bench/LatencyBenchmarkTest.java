package io.inceptionstream.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyBenchmarkTest {

  private static LatencyBenchmark.Settings settings(int steps) {
    return new LatencyBenchmark.Settings(
        List.of("auto", "1"),
        steps,
        Duration.ofSeconds(1),
        10,
        Duration.ofMillis(50),
        "stand-in",
        1,
        0,
        null);
  }

  private static LatencyBenchmark.Point point(double load, double p99, double batchMs) {
    return new LatencyBenchmark.Point(
        load, 100 * load, 100 * load, 10, 10, p99 / 2, p99 * 0.9, p99, p99, batchMs, 4);
  }

  @Test
  void sweepsFromTenPercentToTheCeilingInEvenSteps() {
    LatencyBenchmark.Settings s = settings(10);
    assertEquals(0.1, s.load(0), 1e-9);
    assertEquals(0.5, s.load(4), 1e-9);
    assertEquals(1.0, s.load(9), 1e-9);
    assertEquals(0.55, settings(3).load(1), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> settings(1));
  }

  @Test
  void takesNearestRankPercentiles() {
    double[] sorted = new double[100];
    Arrays.setAll(sorted, i -> i + 1);
    assertEquals(50, LatencyBenchmark.percentile(sorted, 0.50));
    assertEquals(99, LatencyBenchmark.percentile(sorted, 0.99));
    assertEquals(7, LatencyBenchmark.percentile(new double[] {7}, 0.99));
    assertTrue(Double.isNaN(LatencyBenchmark.percentile(new double[0], 0.5)));
  }

  @Test
  void checksTheGoalAtTheStepNearestHalfLoadAgainstTheDelayAndTwoForwardPasses() {
    List<LatencyBenchmark.Point> points =
        List.of(point(0.1, 500, 1), point(0.4, 90, 20), point(0.7, 500, 1), point(1.0, 900, 1));
    LatencyBenchmark.Goal met = LatencyBenchmark.goal(points, Duration.ofMillis(50));
    assertEquals(0.4, met.load(), 1e-9);
    assertEquals(90.0, met.limitMs(), 1e-9);
    assertTrue(met.met(), "90 <= 50 + 2 x 20");
    LatencyBenchmark.Goal missed =
        LatencyBenchmark.goal(List.of(point(0.5, 91, 20)), Duration.ofMillis(50));
    assertFalse(missed.met());
  }

  @Test
  void writesTheJsonFieldsAndAPngOfEverySweep(@TempDir Path dir) throws Exception {
    LatencyBenchmark.Settings s = settings(2);
    LatencyBenchmark.Result r =
        new LatencyBenchmark.Result(
            100,
            List.of(
                new LatencyBenchmark.Sweep(
                    "auto",
                    8,
                    List.of(point(0.1, 60, 5), point(1.0, 200, 5)),
                    LatencyBenchmark.goal(List.of(point(0.5, 60, 5)), s.maxDelay())),
                new LatencyBenchmark.Sweep(
                    "1",
                    1,
                    List.of(point(0.1, 40, 2), point(1.0, Double.NaN, 2)),
                    LatencyBenchmark.goal(List.of(point(0.5, 40, 2)), s.maxDelay()))));
    Map<String, Object> doc = LatencyBenchmark.toJson(r, s, "x/latency.png");
    assertEquals(100.0, doc.get("ceilingPerSecond"));
    assertEquals(r.sweeps().get(0).points(), doc.get("points"));
    assertEquals(true, doc.get("goalMet"));
    Path png = LatencyBenchmark.plot(r, s, dir.resolve("out"), "a unit test");
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
  }
}
