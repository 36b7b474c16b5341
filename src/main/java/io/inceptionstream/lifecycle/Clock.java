package io.inceptionstream.lifecycle;

import java.time.Duration;

/**
 * Time as the record path sees it, injected so that deadlines, intervals and back-offs can be unit
 * tested with a manual clock (Kafka's {@code Time}/{@code MockTime} idea). Implementations are
 * thread-safe.
 */
public interface Clock {

  /** The system clock: {@link System#nanoTime()}, {@link System#currentTimeMillis()}, sleeping. */
  Clock SYSTEM =
      new Clock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
          return System.currentTimeMillis();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
          Thread.sleep(duration.toMillis());
        }
      };

  /** A monotonic reading for measuring intervals, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Wall-clock time in epoch milliseconds, for timestamps in records and latencies. */
  long currentTimeMillis();

  /** Waits this long; a manual clock advances itself instead. */
  void sleep(Duration duration) throws InterruptedException;
}
