package io.inceptionstream.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchSizeTunerTest {

  private static final List<Integer> SIZES = List.of(1, 2, 4, 8, 16, 32, 64);

  private final ManualClock clock = new ManualClock();
  private final List<Integer> passes = new ArrayList<>();

  /** A fake device: a pass of n images takes the table's milliseconds on the manual clock. */
  private BatchSizeTuner.Result tune(Map<Integer, Double> msPerPass, Duration budget) {
    return new BatchSizeTuner(clock, SIZES, budget)
        .tune(
            n -> {
              passes.add(n);
              clock.advance(Duration.ofNanos((long) (msPerPass.get(n) * 1e6)));
            });
  }

  private static Map<Integer, Double> table(double... ms) {
    Map<Integer, Double> t = new LinkedHashMap<>();
    for (int i = 0; i < ms.length; i++) {
      t.put(SIZES.get(i), ms[i]);
    }
    return t;
  }

  @Test
  void choosesTheSizeWithTheMostImagesPerSecondAndTheSmallerOfATie() {
    // images/s: 100, 167, 250, 333, 400, 400, 400: 16, 32 and 64 tie, 16 is the smallest
    BatchSizeTuner.Result r = tune(table(10, 12, 16, 24, 40, 80, 160), Duration.ofSeconds(60));
    assertEquals(16, r.chosen());
    assertEquals(SIZES, List.copyOf(r.imagesPerSecond().keySet()));
    assertEquals(400.0, r.imagesPerSecond().get(16), 1e-6);
    assertEquals("1: 100, 2: 167, 4: 250, 8: 333, 16: 400, 32: 400, 64: 400", r.table());
  }

  @Test
  void countsSizesWithinThreePercentOfTheBestAsTiedAndNoFurther() {
    assertEquals(8, BatchSizeTuner.choose(Map.of(4, 90.0, 8, 100.0, 16, 102.5, 32, 101.0)));
    assertEquals(16, BatchSizeTuner.choose(Map.of(4, 90.0, 8, 100.0, 16, 104.0)));
    assertEquals(1, BatchSizeTuner.choose(Map.of(1, 23.0, 64, 23.5)));
  }

  @Test
  void stopsTryingLargerSizesOnceThroughputHasFallenPastItsPeakTwiceInARow() {
    // images/s: 100, 200, 400, 200, 200 (a device out of memory bandwidth at 8): 32 never runs
    BatchSizeTuner.Result r = tune(table(10, 10, 10, 40, 80, 160, 320), Duration.ofSeconds(60));
    assertEquals(4, r.chosen());
    assertEquals(List.of(1, 2, 4, 8, 16), List.copyOf(r.imagesPerSecond().keySet()));
    assertTrue(passes.stream().allMatch(n -> n <= 16), passes.toString());
    assertTrue(r.table().endsWith("; larger sizes not timed: past the peak"), r.table());
  }

  @Test
  void keepsGoingAfterOneSlowSize() {
    // images/s: 100, 50 (a noisy moment), 400, 800, 1600, 1600, 1600
    BatchSizeTuner.Result r = tune(table(10, 40, 10, 10, 10, 20, 40), Duration.ofSeconds(60));
    assertEquals(16, r.chosen());
    assertEquals(SIZES, List.copyOf(r.imagesPerSecond().keySet()));
  }

  @Test
  void skipsSizesWhosePredictedCostWouldOverrunTheBudget() {
    // 10 ms an image, the same images/s at every size: 64 would take 3 x 640 ms, past 3 s
    BatchSizeTuner.Result r = tune(table(10, 20, 40, 80, 160, 320, 640), Duration.ofSeconds(3));
    assertEquals(List.of(1, 2, 4, 8, 16, 32), List.copyOf(r.imagesPerSecond().keySet()));
    assertEquals(1, r.chosen(), "all tied: the smallest");
    assertTrue(
        r.table().endsWith("; 64 and up not timed: they would overrun the 3000 ms budget"),
        r.table());
    assertTrue(clock.nanoTime() <= Duration.ofSeconds(3).toNanos(), clock.nanoTime() + " ns");
  }

  @Test
  void runsOneUntimedPassAndThenAtLeastTwoTimedOnesAtEachSize() {
    tune(table(100, 100, 100, 100, 100, 100, 100), Duration.ofSeconds(60));
    for (int size : List.of(1, 2, 4)) {
      assertEquals(3, passes.stream().filter(n -> n == size).count(), "passes at " + size);
    }
  }

  @Test
  void refusesAnEmptyOrUnorderedListOfSizes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new BatchSizeTuner(clock, List.of(), Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new BatchSizeTuner(clock, List.of(4, 2), Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new BatchSizeTuner(clock, List.of(0, 2), Duration.ofSeconds(1)));
  }
}
