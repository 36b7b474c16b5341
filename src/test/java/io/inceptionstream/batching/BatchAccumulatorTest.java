package io.inceptionstream.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.testing.Items;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BatchAccumulatorTest {

  private static final long MS = 1_000_000L;

  @Test
  void flushesWhenFull() {
    BatchAccumulator acc = new BatchAccumulator(3, 50 * MS);
    acc.add(Items.ready(0, 0), 0);
    acc.add(Items.ready(0, 1), 0);
    assertNull(acc.decide(0, false, true));
    acc.add(Items.ready(0, 2), 0);
    assertEquals(Batch.FlushReason.SIZE, acc.decide(0, false, true));
  }

  @Test
  void flushesWhenTheOldestRecordTimesOut() {
    BatchAccumulator acc = new BatchAccumulator(32, 50 * MS);
    acc.add(Items.ready(0, 0), 10 * MS);
    acc.add(Items.ready(0, 1), 40 * MS);
    assertNull(acc.decide(59 * MS, false, true), "oldest has waited 49 ms");
    assertEquals(Batch.FlushReason.DEADLINE, acc.decide(60 * MS, false, true));
    assertEquals(60 * MS, acc.deadlineNanos());
  }

  @Test
  void flushesAtOnceWhenTheDeviceIsIdleAndNothingMoreIsArriving() {
    BatchAccumulator acc = new BatchAccumulator(32, 50 * MS);
    acc.add(Items.ready(0, 0), 0);
    assertNull(acc.decide(1 * MS, true, true), "more input is arriving");
    assertNull(acc.decide(1 * MS, false, false), "device busy");
    assertEquals(Batch.FlushReason.IDLE, acc.decide(1 * MS, true, false));
  }

  @Test
  void rejectedItemsDoNotCountTowardsTheSizeAndFlushAloneWithoutWaiting() {
    BatchAccumulator acc = new BatchAccumulator(2, 50 * MS);
    acc.add(Items.rejected(0, 0), 0);
    acc.add(Items.rejected(0, 1), 0);
    assertEquals(
        Batch.FlushReason.IDLE,
        acc.decide(0, false, false),
        "only dead letters and nothing arriving");
    assertNull(acc.decide(0, false, true));
    acc.add(Items.ready(0, 2), 0);
    assertNull(acc.decide(0, false, true), "one image is not a full batch of two");
    Batch b = acc.drain(5, Batch.FlushReason.DRAIN);
    assertEquals(3, b.items().size());
    assertEquals(1, b.readyCount());
  }

  @Test
  void drainNumbersBatchesAndEmpties() {
    BatchAccumulator acc = new BatchAccumulator(4, MS);
    acc.add(Items.ready(0, 0), 7);
    Batch first = acc.drain(9, Batch.FlushReason.IDLE);
    assertEquals(0, first.sequence());
    assertEquals(2, first.fillWaitNanos());
    assertTrue(acc.isEmpty());
    assertNull(acc.decide(100 * MS, true, false));
    acc.add(Items.ready(0, 1), 10);
    assertEquals(1, acc.drain(11, Batch.FlushReason.IDLE).sequence());
  }

  @Test
  void rejectsInvalidSettings() {
    assertThrows(IllegalArgumentException.class, () -> new BatchAccumulator(0, MS));
    assertThrows(IllegalArgumentException.class, () -> new BatchAccumulator(1, -1));
  }

  /** Seeded random streams: every item in exactly one batch, order kept, no batch over the size. */
  @RepeatedTest(20)
  void everyItemLandsInExactlyOneBatchInOrder(org.junit.jupiter.api.RepetitionInfo info) {
    SplittableRandom r = new SplittableRandom(info.getCurrentRepetition());
    int max = 1 + r.nextInt(8);
    BatchAccumulator acc = new BatchAccumulator(max, r.nextInt(5) * MS);
    List<Item> in = new ArrayList<>();
    List<Batch> out = new ArrayList<>();
    Map<Integer, Long> next = new HashMap<>();
    long now = 0;
    for (int i = 0; i < 500; i++) {
      int p = r.nextInt(3);
      long off = next.merge(p, 1L, Long::sum);
      Item item = r.nextInt(10) == 0 ? Items.rejected(p, off) : Items.ready(p, off);
      in.add(item);
      acc.add(item, now);
      now += r.nextInt(3) * MS;
      Batch.FlushReason reason = acc.decide(now, r.nextBoolean(), r.nextBoolean());
      if (reason != null) {
        out.add(acc.drain(now, reason));
      }
    }
    if (!acc.isEmpty()) {
      out.add(acc.drain(now, Batch.FlushReason.DRAIN));
    }
    List<Item> seen = new ArrayList<>();
    for (Batch b : out) {
      assertTrue(b.readyCount() <= max, "batch of " + b.readyCount() + " over " + max);
      seen.addAll(b.items());
    }
    assertEquals(in, seen);
  }
}
