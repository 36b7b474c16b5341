package io.inceptionstream.testing;

import io.inceptionstream.lifecycle.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that moves only when told ({@link #advance}); {@link #sleep} advances it at once,
 * so nothing in a unit test waits on the wall clock. Thread-safe.
 */
public final class ManualClock implements Clock {

  private final AtomicLong nanos = new AtomicLong();
  private final long epochMillisAtZero;

  /** Starts at nano time 0 and wall time 2026-01-01T00:00:00Z. */
  public ManualClock() {
    this(1_767_225_600_000L);
  }

  public ManualClock(long epochMillisAtZero) {
    this.epochMillisAtZero = epochMillisAtZero;
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public long currentTimeMillis() {
    return epochMillisAtZero + nanos.get() / 1_000_000;
  }

  @Override
  public void sleep(Duration duration) {
    advance(duration);
  }

  /** Moves time forward. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("Time only moves forward: " + duration);
    }
    nanos.addAndGet(duration.toNanos());
  }
}
