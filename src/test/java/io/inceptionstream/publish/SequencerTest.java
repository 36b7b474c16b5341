package io.inceptionstream.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequencerTest {

  private static BatchOutcome outcome(long sequence) {
    return Outcomes.notRun(sequence);
  }

  @Test
  void holdsAnOutcomeUntilEveryEarlierOneHasArrived() {
    Sequencer s = new Sequencer();
    BatchOutcome two = outcome(2);
    BatchOutcome zero = outcome(0);
    BatchOutcome one = outcome(1);
    s.offer(two);
    assertNull(s.poll(), "batch 2 must wait for 0 and 1");
    s.offer(zero);
    assertSame(zero, s.poll());
    assertNull(s.poll(), "batch 2 must still wait for 1");
    assertFalse(s.isEmpty());
    s.offer(one);
    assertSame(one, s.poll());
    assertSame(two, s.poll());
    assertNull(s.poll());
    assertTrue(s.isEmpty());
    assertEquals(3, s.next());
  }

  @Test
  void refusesABatchThatArrivesTwice() {
    Sequencer s = new Sequencer();
    s.offer(outcome(0));
    s.poll();
    assertThrows(IllegalArgumentException.class, () -> s.offer(outcome(0)), "already released");
    s.offer(outcome(3));
    assertThrows(IllegalArgumentException.class, () -> s.offer(outcome(3)), "already held");
  }

  /**
   * Property: whatever the arrival order, and however offers and polls interleave, outcomes come
   * out as 0, 1, 2… and each as soon as every earlier one has arrived.
   */
  @Test
  void releasesOutcomesInSequenceOrderFromAnyArrivalOrder() {
    for (long seed = 0; seed < 500; seed++) {
      Random random = new Random(seed);
      int n = random.nextInt(40);
      List<Long> arrivals = new ArrayList<>();
      for (long i = 0; i < n; i++) {
        arrivals.add(i);
      }
      Collections.shuffle(arrivals, random);

      Sequencer s = new Sequencer();
      boolean[] arrived = new boolean[n + 1];
      List<Long> released = new ArrayList<>();
      for (long sequence : arrivals) {
        s.offer(outcome(sequence));
        arrived[(int) sequence] = true;
        // Sometimes the publisher is busy and polls only later.
        if (random.nextInt(3) > 0) {
          for (BatchOutcome o = s.poll(); o != null; o = s.poll()) {
            released.add(o.batch().sequence());
          }
          int prefix = 0;
          while (arrived[prefix]) {
            prefix++;
          }
          assertEquals(prefix, released.size(), "seed " + seed + ": released as soon as possible");
        }
      }
      for (BatchOutcome o = s.poll(); o != null; o = s.poll()) {
        released.add(o.batch().sequence());
      }
      for (int i = 0; i < released.size(); i++) {
        assertEquals(i, released.get(i).longValue(), "seed " + seed + ": position " + i);
      }
      assertEquals(n, released.size(), "seed " + seed + ": every outcome released once");
      assertTrue(s.isEmpty(), "seed " + seed);
    }
  }
}
