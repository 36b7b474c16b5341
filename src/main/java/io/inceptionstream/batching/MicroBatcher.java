package io.inceptionstream.batching;

import io.inceptionstream.metrics.WorkerMetrics;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batcher thread: takes decoded items in poll order (each a future completed by the decode
 * pool), groups them with a {@link BatchAccumulator} and hands batches to the devices through a
 * {@link BatchQueue}. It alone writes batch state. It blocks only when a full batch waits for a
 * device, which is how backpressure reaches the poll thread (records in flight stop draining). In
 * drain mode (shutdown) it flushes as soon as its input is empty.
 */
public final class MicroBatcher implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);
  private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long BUSY_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final BlockingQueue<CompletableFuture<Item>> input;
  private final BatchAccumulator accumulator;
  private final BatchQueue output;
  private final LongSupplier clock;
  private final WorkerMetrics metrics;
  private final java.util.function.Consumer<Throwable> onError;
  private volatile boolean draining;
  private volatile boolean stopped;
  private CompletableFuture<Item> head;

  /**
   * @param input decoded items in poll order
   * @param clock nanosecond clock (System::nanoTime in production)
   * @param onError told of anything unexpected that ends the thread (the worker's fatal path)
   */
  public MicroBatcher(
      BlockingQueue<CompletableFuture<Item>> input,
      BatchAccumulator accumulator,
      BatchQueue output,
      LongSupplier clock,
      WorkerMetrics metrics,
      java.util.function.Consumer<Throwable> onError) {
    this.onError = onError;
    this.input = input;
    this.accumulator = accumulator;
    this.output = output;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** From now on, flush whenever the input runs dry instead of waiting for a fuller batch. */
  public void drain() {
    draining = true;
  }

  /** Ends the thread once its input and pending batch are empty (call after {@link #drain()}). */
  public void stop() {
    draining = true;
    stopped = true;
  }

  /** What one {@link #turn()} did. */
  enum Turn {
    /** An item joined the batch or a batch left: turn again at once. */
    PROGRESS,
    /** Nothing to do until input arrives, a decode finishes or the deadline passes. */
    WAIT,
    /** Stopped, and nothing is left. */
    DONE
  }

  @Override
  public void run() {
    try {
      while (true) {
        Turn t = turn();
        if (t == Turn.DONE) {
          return;
        }
        if (t == Turn.WAIT) {
          waitForWork(clock.getAsLong(), head != null || !input.isEmpty());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.debug("Batcher interrupted with {} items pending", accumulator.size());
    } catch (Throwable e) {
      onError.accept(e);
    }
  }

  /**
   * One step of the loop without waiting: takes the next decoded item, or flushes if the policy
   * says so. The delay adapts to the load: with a backlog the batch fills and leaves at its size at
   * once; with the device idle and nothing arriving a partial batch leaves at once; only a partial
   * batch with records still arriving (or a busy device) waits, up to the deadline. Only the
   * batcher thread (or a test driving it with a manual clock) calls this.
   */
  Turn turn() throws InterruptedException {
    long now = clock.getAsLong();
    if (head == null) {
      head = input.poll();
    }
    if (head != null && head.isDone()) {
      accumulator.add(head.join(), now);
      head = null;
      if (accumulator.isFull()) {
        flush(now, Batch.FlushReason.SIZE);
      }
      return Turn.PROGRESS;
    }
    boolean pending = head != null || !input.isEmpty();
    Batch.FlushReason reason =
        draining && !accumulator.isEmpty() && !pending
            ? Batch.FlushReason.DRAIN
            : accumulator.decide(now, output.idle(), pending);
    // A batch that is not full waits for room instead of blocking, so it can keep growing.
    if (reason != null && output.hasRoom()) {
      flush(now, reason);
      return Turn.PROGRESS;
    }
    if (stopped && !pending && accumulator.isEmpty()) {
      return Turn.DONE;
    }
    return Turn.WAIT;
  }

  private void waitForWork(long now, boolean pending) throws InterruptedException {
    long wait =
        accumulator.isEmpty()
            ? IDLE_WAIT_NANOS
            : Math.max(0, Math.min(BUSY_WAIT_NANOS, accumulator.deadlineNanos() - now));
    if (!output.hasRoom()) {
      // Past the deadline with every device busy: check back now and then instead of spinning.
      wait = BUSY_WAIT_NANOS;
    }
    if (head != null) {
      try {
        head.get(Math.max(wait, 1000), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Not done yet, or done exceptionally (join() reports it on the next turn).
      }
    } else if (!pending) {
      head = input.poll(Math.max(wait, 1000), TimeUnit.NANOSECONDS);
    }
  }

  private void flush(long now, Batch.FlushReason reason) throws InterruptedException {
    Batch batch = accumulator.drain(now, reason);
    metrics.batchSize.update(batch.readyCount());
    metrics.queueDepth.update(input.size() + (head == null ? 0 : 1));
    metrics.batchFillWait.update(batch.fillWaitNanos(), TimeUnit.NANOSECONDS);
    // Only this thread puts: after hasRoom() this does not wait; after a full batch it may.
    output.put(batch);
  }
}
