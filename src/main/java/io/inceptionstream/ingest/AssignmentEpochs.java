package io.inceptionstream.ingest;

import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.lifecycle.Ownership;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The current assignment epoch of each owned partition. Every assignment of a partition gets a new
 * epoch, numbered across all partitions so that an epoch is never reused; revocation, loss and the
 * end of the worker end it, and an offset reset replaces it. A record belongs to its partition's
 * epoch when polled; once that epoch is over the record is no longer {@linkplain #owns owned}.
 * Changed by the poll thread only; {@link #owns} may be called from any thread.
 */
final class AssignmentEpochs implements Ownership {

  /** The epoch of records of a partition this worker does not own. */
  static final long NONE = -1;

  private final Map<TopicPartition, Long> epochs = new ConcurrentHashMap<>();
  private long last;

  /** Starts a new epoch for a newly assigned partition, and returns it. */
  long assign(TopicPartition tp) {
    long epoch = ++last;
    epochs.put(tp, epoch);
    return epoch;
  }

  /**
   * The partition's offsets went back: if it is owned, its records so far belong to an epoch that
   * is over, and later ones to a new one.
   *
   * @return whether the partition was owned
   */
  boolean renew(TopicPartition tp) {
    if (!epochs.containsKey(tp)) {
      return false;
    }
    epochs.put(tp, ++last);
    return true;
  }

  /** Ends the partition's epoch: revoked or lost. */
  void end(TopicPartition tp) {
    epochs.remove(tp);
  }

  /** Ends every epoch: the worker is shutting down. */
  void endAll() {
    epochs.clear();
  }

  /** The partition's current epoch, or {@link #NONE}. */
  long current(TopicPartition tp) {
    return epochs.getOrDefault(tp, NONE);
  }

  /** Whether {@code epoch} is the partition's current one. */
  boolean isCurrent(TopicPartition tp, long epoch) {
    Long current = epochs.get(tp);
    return current != null && current == epoch;
  }

  @Override
  public boolean owns(InputRecord record) {
    return isCurrent(new TopicPartition(record.topic(), record.partition()), record.epoch());
  }
}
