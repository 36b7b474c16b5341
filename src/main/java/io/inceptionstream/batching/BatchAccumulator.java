package io.inceptionstream.batching;

import java.util.ArrayList;
import java.util.List;

/**
 * The micro-batching policy as pure logic: items join in order; {@link #decide} says whether to
 * flush now — at {@code maxSize} items (counting only items the model must run on), when the oldest
 * item has waited {@code maxDelayNanos}, or at once when the device is idle and no more input is
 * arriving. Time is passed in, so tests drive it with a manual clock. Single-threaded: owned by the
 * batcher thread.
 */
public final class BatchAccumulator {

  private final int maxSize;
  private final long maxDelayNanos;
  private final List<Item> items = new ArrayList<>();
  private int ready;
  private long firstAddedNanos;
  private long nextSequence;

  /**
   * @param maxSize most images per batch, at least 1
   * @param maxDelayNanos longest wait of the oldest item, at least 0
   */
  public BatchAccumulator(int maxSize, long maxDelayNanos) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be at least 1, got " + maxSize);
    }
    if (maxDelayNanos < 0) {
      throw new IllegalArgumentException("maxDelayNanos must be at least 0, got " + maxDelayNanos);
    }
    this.maxSize = maxSize;
    this.maxDelayNanos = maxDelayNanos;
  }

  /** Adds an item at time {@code nowNanos}. */
  public void add(Item item, long nowNanos) {
    if (items.isEmpty()) {
      firstAddedNanos = nowNanos;
    }
    items.add(item);
    if (item.isReady()) {
      ready++;
    }
  }

  /** Whether nothing is waiting. */
  public boolean isEmpty() {
    return items.isEmpty();
  }

  /** Items waiting, rejected ones included. */
  public int size() {
    return items.size();
  }

  /** Whether the batch holds {@code maxSize} images for the model. */
  public boolean isFull() {
    return ready >= maxSize;
  }

  /** When the oldest item's wait ends, or {@link Long#MAX_VALUE} when empty. */
  public long deadlineNanos() {
    return items.isEmpty() ? Long.MAX_VALUE : firstAddedNanos + maxDelayNanos;
  }

  /**
   * Whether to flush now.
   *
   * @param nowNanos the current time
   * @param deviceIdle no batch is queued for or running on a device
   * @param inputPending more input is already arriving (decoded or being decoded)
   * @return the reason to flush, or null to keep waiting
   */
  public Batch.FlushReason decide(long nowNanos, boolean deviceIdle, boolean inputPending) {
    if (items.isEmpty()) {
      return null;
    }
    if (isFull()) {
      return Batch.FlushReason.SIZE;
    }
    if (ready == 0 && !inputPending) {
      // Only dead letters: nothing for the device to wait for.
      return Batch.FlushReason.IDLE;
    }
    if (nowNanos - firstAddedNanos >= maxDelayNanos) {
      return Batch.FlushReason.DEADLINE;
    }
    if (deviceIdle && !inputPending) {
      return Batch.FlushReason.IDLE;
    }
    return null;
  }

  /** Takes everything waiting as a batch and starts a new one. */
  public Batch drain(long nowNanos, Batch.FlushReason reason) {
    Batch b = new Batch(nextSequence++, items, firstAddedNanos, nowNanos, reason);
    items.clear();
    ready = 0;
    return b;
  }
}
