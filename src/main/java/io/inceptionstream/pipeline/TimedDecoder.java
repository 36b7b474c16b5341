package io.inceptionstream.pipeline;

import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.lifecycle.Rejection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs decodes on the decode pool with a time limit that starts when a decode thread picks the
 * record up, not when it was queued: a valid image waiting behind slow ones keeps its whole
 * allowance. Past the limit the record's future completes as a {@link Rejection#DECODE_TIMEOUT}
 * dead letter and its thread is interrupted (decoding stops at the next interruptible point; the
 * pixel budget wait is one), and whatever the decode returns later is ignored. Thread-safe.
 */
final class TimedDecoder {

  private final Function<InputRecord, Item> decode;
  private final ExecutorService pool;
  private final ScheduledExecutorService timer;
  private final Duration timeout;

  /**
   * @param decode never throws (as {@link RecordDecoder#decode})
   * @param timer fires the time limits; owned by the caller
   */
  TimedDecoder(
      Function<InputRecord, Item> decode,
      ExecutorService pool,
      ScheduledExecutorService timer,
      Duration timeout) {
    this.decode = decode;
    this.pool = pool;
    this.timer = timer;
    this.timeout = timeout;
  }

  /** Queues one record; the future completes with its item, in whatever order decodes finish. */
  CompletableFuture<Item> submit(InputRecord record) {
    CompletableFuture<Item> result = new CompletableFuture<>();
    try {
      pool.execute(() -> run(record, result));
    } catch (RejectedExecutionException e) {
      // The pool is shutting down with the worker: nothing downstream will read this any more.
      result.complete(timedOut(record, "the decode pool is shut down"));
    }
    return result;
  }

  private void run(InputRecord record, CompletableFuture<Item> result) {
    Thread self = Thread.currentThread();
    Object lock = new Object();
    boolean[] finished = {false};
    ScheduledFuture<?> limit =
        timer.schedule(
            () -> {
              // Under the lock, so the interrupt can never reach this thread's next record.
              synchronized (lock) {
                if (!finished[0]
                    && result.complete(
                        timedOut(
                            record,
                            "Decoding took longer than "
                                + timeout.toMillis()
                                + " ms (pipeline.decode-timeout)"))) {
                  self.interrupt();
                }
              }
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    Item item;
    try {
      item = decode.apply(record);
    } finally {
      synchronized (lock) {
        finished[0] = true;
      }
      limit.cancel(false);
      // A limit that fired interrupted this thread; the pool's next task must not see it.
      Thread.interrupted();
    }
    result.complete(item);
  }

  private static Item timedOut(InputRecord record, String message) {
    return Item.rejected(record, null, Rejection.DECODE_TIMEOUT, message);
  }
}
