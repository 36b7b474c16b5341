package io.inceptionstream.batching;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hand-off from the batcher to the inference threads: at most one waiting batch per device, and
 * a count of batches being computed, so the batcher can tell when the devices are idle.
 * Thread-safe.
 */
public final class BatchQueue {

  private final BlockingQueue<Batch> queue;
  private final AtomicInteger running = new AtomicInteger();

  /**
   * @param capacity waiting batches, normally the number of devices
   */
  public BatchQueue(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Whether no batch is waiting or running. */
  public boolean idle() {
    return queue.isEmpty() && running.get() == 0;
  }

  /** Whether a batch could be handed over without waiting. */
  public boolean hasRoom() {
    return queue.remainingCapacity() > 0;
  }

  /** Hands a batch over, waiting for room. */
  public void put(Batch batch) throws InterruptedException {
    queue.put(batch);
  }

  /** Takes the next batch and counts it as running until {@link #done()}; null on timeout. */
  public Batch take(long timeout, TimeUnit unit) throws InterruptedException {
    Batch b = queue.poll(timeout, unit);
    if (b != null) {
      // Between poll and this line idle() may say true: the batcher then flushes a little
      // early, which costs nothing.
      running.incrementAndGet();
    }
    return b;
  }

  /** Marks a taken batch finished. */
  public void done() {
    running.decrementAndGet();
  }

  /** Batches waiting. */
  public int waiting() {
    return queue.size();
  }
}
