package io.inceptionstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialsTest {

  @Test
  void interleavesTheMeasurementsRoundByRoundAndDiscardsTheWarmUp() throws Exception {
    List<String> calls = new ArrayList<>();
    int[] a = {0};
    int[] b = {0};
    Trials.Results r =
        new Trials(2, 5)
            .add(
                "a",
                () -> {
                  calls.add("a");
                  return ++a[0];
                })
            .add(
                "b",
                () -> {
                  calls.add("b");
                  return 10 * ++b[0];
                })
            .run((round, values) -> {});
    assertEquals(
        List.of("a", "b", "a", "b", "a", "b", "a", "b", "a", "b", "a", "b", "a", "b"), calls);
    // Calls 1 and 2 were the warm-up.
    assertEquals(List.of(3.0, 4.0, 5.0, 6.0, 7.0), r.values("a"));
    assertEquals(List.of(30.0, 40.0, 50.0, 60.0, 70.0), r.values("b"));
    assertEquals(5, r.activity().get("a").size());
  }

  @Test
  void reportsEachRoundToTheCallerInOrder() throws Exception {
    List<Integer> rounds = new ArrayList<>();
    new Trials(0, 6).add("x", () -> 1).run((round, values) -> rounds.add(round));
    assertEquals(List.of(1, 2, 3, 4, 5, 6), rounds);
  }

  @Test
  void figuresAreTheMedianWithTheMinAndMax() {
    assertEquals(new Trials.Figure(3, 1, 9), Trials.Figure.of(List.of(9.0, 1.0, 3.0, 2.0, 4.0)));
    assertEquals(new Trials.Figure(2.5, 1, 4), Trials.Figure.of(List.of(4.0, 1.0, 3.0, 2.0)));
    assertEquals(2.0, new Trials.Figure(3, 2, 4).spread());
  }

  @Test
  void ratiosAreTakenRoundByRound() {
    Trials.Results r =
        new Trials.Results(
            Map.of(
                "a", List.of(2.0, 4.0, 6.0, 8.0, 100.0),
                "b", List.of(1.0, 1.0, 2.0, 2.0, 50.0)),
            Map.of());
    // Per round: 2, 4, 3, 4, 2; a ratio of the medians would be 6 / 2 = 3.
    assertEquals(new Trials.Figure(3, 2, 4), r.ratio("a", "b"));
  }

  @Test
  void formatsAsMedianThenMinToMax() {
    assertEquals("3.0 (1.0–9.5)", new Trials.Figure(3, 1, 9.5).format("%.1f"));
  }

  @Test
  void refusesFewerThanFiveRunsANegativeWarmUpAndRepeatedNames() {
    assertThrows(IllegalArgumentException.class, () -> new Trials(1, 4));
    assertThrows(IllegalArgumentException.class, () -> new Trials(-1, 5));
    Trials t = new Trials(0, 5).add("a", () -> 1);
    assertThrows(IllegalArgumentException.class, () -> t.add("a", () -> 2));
    assertThrows(IllegalStateException.class, () -> new Trials(0, 5).run((r, v) -> {}));
  }
}
