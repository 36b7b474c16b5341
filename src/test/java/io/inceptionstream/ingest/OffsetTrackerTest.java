package io.inceptionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

  @Test
  void commitsOnlyTheCompletedPrefix() {
    OffsetTracker<String> t = new OffsetTracker<>();
    for (long o = 10; o < 15; o++) {
      t.register("p0", o, 100);
    }
    t.complete("p0", 11);
    t.complete("p0", 12);
    assertEquals(Map.of(), t.takeCommittable(), "10 is unfinished");
    t.complete("p0", 10);
    assertEquals(Map.of("p0", 13L), t.takeCommittable());
    assertEquals(Map.of(), t.takeCommittable(), "reported once");
    assertEquals(2, t.inFlight());
    assertEquals(200, t.inFlightBytes());
  }

  @Test
  void toleratesGapsInOffsets() {
    OffsetTracker<String> t = new OffsetTracker<>();
    t.register("p", 3, 1);
    t.register("p", 7, 1);
    t.complete("p", 7);
    t.complete("p", 3);
    assertEquals(Map.of("p", 8L), t.takeCommittable());
  }

  @Test
  void forgottenPartitionsIgnoreLateCompletions() {
    OffsetTracker<String> t = new OffsetTracker<>();
    t.register("a", 0, 5);
    t.register("b", 0, 5);
    assertEquals(1, t.forget("a"));
    assertFalse(t.complete("a", 0));
    assertEquals(1, t.inFlight());
    assertTrue(t.complete("b", 0));
    assertEquals(Map.of("b", 1L), t.takeCommittable());
    assertEquals(0, t.inFlightBytes());
  }

  @Test
  void refusesOffsetsOutOfOrder() {
    OffsetTracker<String> t = new OffsetTracker<>();
    t.register("p", 5, 1);
    assertThrows(IllegalStateException.class, () -> t.register("p", 5, 1));
  }

  /** Seeded random completion orders: the committed position never passes an unfinished record. */
  @RepeatedTest(25)
  void neverCommitsPastAnUnfinishedRecord(RepetitionInfo info) {
    SplittableRandom r = new SplittableRandom(info.getCurrentRepetition() * 7919L);
    OffsetTracker<Integer> t = new OffsetTracker<>();
    Map<Integer, List<Long>> registered = new HashMap<>();
    List<long[]> pending = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      long off = r.nextInt(100);
      for (int i = 0; i < 200; i++) {
        off += 1 + (r.nextInt(10) == 0 ? r.nextInt(5) : 0);
        t.register(p, off, 1);
        registered.computeIfAbsent(p, k -> new ArrayList<>()).add(off);
        pending.add(new long[] {p, off});
      }
    }
    Collections.shuffle(pending, new java.util.Random(r.nextLong()));
    Map<Integer, java.util.Set<Long>> done = new HashMap<>();
    Map<Integer, Long> committed = new HashMap<>();
    for (long[] c : pending) {
      int p = (int) c[0];
      t.complete(p, c[1]);
      done.computeIfAbsent(p, k -> new java.util.HashSet<>()).add(c[1]);
      if (r.nextInt(4) == 0) {
        for (Map.Entry<Integer, Long> e : t.takeCommittable().entrySet()) {
          Long before = committed.put(e.getKey(), e.getValue());
          assertTrue(before == null || e.getValue() > before, "positions only advance");
          for (long o : registered.get(e.getKey())) {
            if (o < e.getValue()) {
              assertTrue(done.get(e.getKey()).contains(o), "committed past unfinished offset " + o);
            }
          }
        }
      }
    }
    committed.putAll(t.takeCommittable());
    for (int p = 0; p < 3; p++) {
      List<Long> offs = registered.get(p);
      assertEquals(
          offs.get(offs.size() - 1) + 1,
          committed.get(p),
          "everything done: position after the last");
    }
    assertEquals(0, t.inFlight());
  }
}
