package io.inceptionstream.ingest;

import io.inceptionstream.lifecycle.Clock;
import io.inceptionstream.testing.ManualClock;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link ManualClock} whose {@link #sleep} also runs the next scheduled task, so that a test can
 * make things happen while the code under test waits (as {@code MockConsumer.schedulePollTask} does
 * for poll()). Nothing waits on the wall clock. Thread-safe.
 */
final class TestClock implements Clock {

  private final ManualClock time = new ManualClock();
  private final Queue<Runnable> sleepTasks = new ConcurrentLinkedQueue<>();

  @Override
  public long nanoTime() {
    return time.nanoTime();
  }

  @Override
  public long currentTimeMillis() {
    return time.currentTimeMillis();
  }

  /** Advances the time by {@code duration}, then runs the next scheduled task, if any. */
  @Override
  public void sleep(Duration duration) {
    time.advance(duration);
    Runnable task = sleepTasks.poll();
    if (task != null) {
      task.run();
    }
  }

  /** Moves time forward. */
  void advance(Duration duration) {
    time.advance(duration);
  }

  /** Runs {@code task} at the end of a later sleep, one task per sleep, in order. */
  void scheduleSleepTask(Runnable task) {
    sleepTasks.add(task);
  }

  /** Time since the clock started. */
  Duration elapsed() {
    return Duration.ofNanos(time.nanoTime());
  }
}
