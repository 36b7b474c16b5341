package io.inceptionstream.ingest;

import static io.inceptionstream.ingest.Backpressure.Change.NONE;
import static io.inceptionstream.ingest.Backpressure.Change.PAUSE;
import static io.inceptionstream.ingest.Backpressure.Change.RESUME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class BackpressureTest {

  /** 100 records at most, resume at 40, 10 000 bytes at most, 10 records a poll. */
  private final Backpressure b = new Backpressure(100, 40, 10_000, 10);

  @Test
  void pausesOnceOneMorePollCouldPassTheRecordBound() {
    assertEquals(NONE, b.update(90, 0, true), "90 + 10 fits exactly");
    assertFalse(b.paused());
    assertEquals(PAUSE, b.update(91, 0, true), "91 + 10 could pass 100");
    assertTrue(b.paused());
    assertEquals(1, b.pauses());
  }

  @Test
  void pausesOnceTheBytesReachTheirBound() {
    assertEquals(NONE, b.update(1, 9_999, true));
    assertEquals(PAUSE, b.update(1, 10_000, true));
    assertEquals(1, b.pauses());
  }

  @Test
  void staysPausedAboveTheLowWaterMarkAndResumesAtIt() {
    b.update(95, 0, true);
    assertEquals(NONE, b.update(60, 0, true), "one more poll fits, but 60 is above 40");
    assertEquals(NONE, b.update(41, 0, true));
    assertTrue(b.paused());
    assertEquals(RESUME, b.update(40, 0, true));
    assertFalse(b.paused());
    assertEquals(1, b.resumes());
  }

  @Test
  void staysPausedUntilTheBytesAreBelowHalfTheirBound() {
    b.update(1, 10_000, true);
    assertEquals(NONE, b.update(1, 9_000, true), "below the bound is not enough");
    assertEquals(NONE, b.update(1, 5_000, true), "half is not below half");
    assertEquals(RESUME, b.update(1, 4_999, true));
  }

  @Test
  void resumesOnlyWhenOneMorePollFitsEvenBelowTheLowWaterMark() {
    // A low-water mark above the pause point: the record bound still decides.
    Backpressure odd = new Backpressure(100, 95, 10_000, 10);
    odd.update(95, 0, true);
    assertEquals(NONE, odd.update(93, 0, true), "93 <= 95, but 93 + 10 could pass 100");
    assertEquals(RESUME, odd.update(90, 0, true));
  }

  @Test
  void neverResumesWhileStopping() {
    b.update(100, 0, true);
    assertEquals(NONE, b.update(0, 0, false));
    assertTrue(b.paused());
    assertEquals(RESUME, b.update(0, 0, true));
  }

  @Test
  void aPauseForShutdownIsNotCountedButHoldsLikeOne() {
    b.pausedAnyway();
    assertTrue(b.paused());
    assertEquals(0, b.pauses());
    assertEquals(NONE, b.update(100, 0, true), "already paused");
    assertEquals(RESUME, b.update(0, 0, true));
  }

  @Test
  void refusesPollsOfNoRecords() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Backpressure(100, 40, 10_000, 0));
    assertEquals("Invalid value 0 for max.poll.records: must be at least 1", e.getMessage());
  }

  @RepeatedTest(20)
  void inFlightNeverPassesTheBoundWhenPollsRespectThePause(RepetitionInfo info) {
    SplittableRandom random = new SplittableRandom(info.getCurrentRepetition());
    int max = 20 + random.nextInt(200);
    int perPoll = Math.max(1, max / 4);
    Backpressure bp = new Backpressure(max, random.nextInt(max / 2), Long.MAX_VALUE, perPoll);
    int inFlight = 0;
    int pauses = 0;
    int resumes = 0;
    for (int step = 0; step < 2_000; step++) {
      if (!bp.paused()) {
        inFlight += random.nextInt(perPoll + 1);
      }
      inFlight -= random.nextInt(inFlight + 1) / 3;
      assertTrue(inFlight <= max, "in flight " + inFlight + " passed " + max);
      switch (bp.update(inFlight, 0, true)) {
        case PAUSE -> pauses++;
        case RESUME -> resumes++;
        case NONE -> {}
      }
      assertTrue(pauses - resumes == (bp.paused() ? 1 : 0), "pauses and resumes alternate");
    }
    assertEquals(pauses, bp.pauses());
    assertEquals(resumes, bp.resumes());
  }
}
