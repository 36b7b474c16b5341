package io.inceptionstream.batching;

import java.util.List;

/**
 * Consecutive polled items in poll order, classified together (rejected items ride along in order
 * so that outputs, dead letters and offsets stay in step).
 *
 * @param sequence 0, 1, 2… in the order batches were formed
 * @param items the items, poll order
 * @param firstAddedNanos when the oldest item joined the batch (batcher clock)
 * @param flushedNanos when the batch was flushed
 * @param reason why it was flushed
 */
public record Batch(
    long sequence, List<Item> items, long firstAddedNanos, long flushedNanos, FlushReason reason) {

  /** Why a batch left the batcher. */
  public enum FlushReason {
    /** It reached the maximum size. */
    SIZE,
    /** Its oldest item waited the maximum delay. */
    DEADLINE,
    /** The device was idle and no more input was arriving. */
    IDLE,
    /**
     * The worker is stopping ({@code MicroBatcher.drain()}): a batch goes as soon as the input runs
     * dry. Revocation does not flush; a revoked partition's records ride on and are skipped
     * downstream (see {@code Ownership}).
     */
    DRAIN
  }

  public Batch {
    items = List.copyOf(items);
  }

  /** Items the model must run on. */
  public int readyCount() {
    int n = 0;
    for (Item i : items) {
      if (i.isReady()) {
        n++;
      }
    }
    return n;
  }

  /** How long the oldest item waited for the batch to fill, in nanoseconds. */
  public long fillWaitNanos() {
    return flushedNanos - firstAddedNanos;
  }
}
