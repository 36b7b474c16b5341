package io.inceptionstream.publish;

import java.util.HashMap;
import java.util.Map;

/**
 * Puts batch outcomes back in batch-sequence order: several devices finish batches out of order,
 * but outputs and completions must follow poll order. Holds an outcome that arrives early until
 * every earlier one has been released. Pure logic, no Kafka types; not thread-safe (the publisher
 * thread alone uses it).
 */
final class Sequencer {

  private final Map<Long, BatchOutcome> early = new HashMap<>();
  private long next;

  /** Starts at sequence 0, the batcher's first batch. */
  Sequencer() {
    this(0);
  }

  Sequencer(long first) {
    this.next = first;
  }

  /**
   * Takes an outcome in any order.
   *
   * @throws IllegalArgumentException if its sequence was released already or is held already: it
   *     would otherwise wait forever and keep the publisher from finishing
   */
  void offer(BatchOutcome outcome) {
    long sequence = outcome.batch().sequence();
    if (sequence < next || early.containsKey(sequence)) {
      throw new IllegalArgumentException(
          "Batch " + sequence + " arrived twice (next expected: " + next + ")");
    }
    early.put(sequence, outcome);
  }

  /** The next outcome in sequence order, or null while it has not arrived. */
  BatchOutcome poll() {
    BatchOutcome o = early.remove(next);
    if (o != null) {
      next++;
    }
    return o;
  }

  /** Whether no outcome is held (every one offered has been released). */
  boolean isEmpty() {
    return early.isEmpty();
  }

  /** The sequence of the next outcome {@link #poll()} will release. */
  long next() {
    return next;
  }
}
