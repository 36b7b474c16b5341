package io.inceptionstream.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class InferenceWatchdogTest {

  private final ManualClock clock = new ManualClock();
  private final Failure failure = new Failure();

  /** A device whose current batch started at a settable time (-1: idle). */
  private static final class FakeDevice implements InferenceWatchdog.Device {
    volatile long since = -1;

    @Override
    public String device() {
      return "cpu";
    }

    @Override
    public long busySinceNanos() {
      return since;
    }
  }

  @Test
  void anIdleDeviceIsNeverOverItsTime() {
    FakeDevice d = new FakeDevice();
    InferenceWatchdog w = new InferenceWatchdog(List.of(d), Duration.ofSeconds(60), failure, clock);
    clock.advance(Duration.ofHours(1));
    assertNull(w.check());
    assertFalse(failure.failed());
  }

  @Test
  void aBatchWithinTheTimeoutIsFineAndOnePastItFailsTheWorker() {
    FakeDevice d = new FakeDevice();
    InferenceWatchdog w = new InferenceWatchdog(List.of(d), Duration.ofSeconds(60), failure, clock);
    d.since = clock.nanoTime();
    clock.advance(Duration.ofSeconds(60));
    assertNull(w.check(), "exactly at the timeout");
    clock.advance(Duration.ofMillis(1));
    String problem = w.check();
    assertTrue(
        problem.contains("inference on cpu") && problem.contains("inference.timeout"), problem);
    assertTrue(failure.failed());
    assertSame(TimeoutException.class, failure.cause().getCause().getClass());
  }

  @Test
  void onceTrippedLivenessStaysRedEvenIfTheBatchFinallyEnds() {
    FakeDevice d = new FakeDevice();
    InferenceWatchdog w = new InferenceWatchdog(List.of(d), Duration.ofSeconds(1), failure, clock);
    d.since = clock.nanoTime();
    clock.advance(Duration.ofSeconds(2));
    String first = w.check();
    d.since = -1;
    assertSame(first, w.check());
  }

  @Test
  void aNewBatchStartsItsOwnClock() {
    FakeDevice d = new FakeDevice();
    InferenceWatchdog w = new InferenceWatchdog(List.of(d), Duration.ofSeconds(10), failure, clock);
    for (int i = 0; i < 5; i++) {
      d.since = clock.nanoTime();
      clock.advance(Duration.ofSeconds(9));
      assertNull(w.check(), "batch " + i);
    }
    assertFalse(failure.failed());
  }
}
