package io.inceptionstream.ingest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's {@link MockConsumer} with what the poll loop's tests need on top, each as the real
 * consumer behaves: a log of every commit; asynchronous commits that fail, or whose callbacks
 * arrive only when released (the real consumer runs them in a later poll); partitions lost rather
 * than revoked; revocation of the assignment on close; and a poll that returns nothing spends its
 * timeout on the test clock, as a real one blocks. Test thread only.
 */
final class ScriptedConsumer extends MockConsumer<byte[], byte[]> {

  /** One commit as sent: synchronous or not, offsets by partition, and whether it failed. */
  record Commit(boolean sync, Map<TopicPartition, Long> offsets, boolean failed) {}

  private final TestClock clock;
  private final List<Commit> commits = new ArrayList<>();
  private final Queue<KafkaException> asyncFailures = new ArrayDeque<>();
  private final List<Runnable> heldCallbacks = new ArrayList<>();
  private RuntimeException syncFailure;
  private boolean holdCallbacks;
  private boolean losing;
  private boolean inSync;
  private ConsumerRebalanceListener listener;

  /** A consumer whose partitions all begin at offset 0. */
  ScriptedConsumer(TestClock clock, Collection<TopicPartition> partitions) {
    super("earliest");
    this.clock = clock;
    Map<TopicPartition, Long> beginning = new HashMap<>();
    partitions.forEach(tp -> beginning.put(tp, 0L));
    updateBeginningOffsets(beginning);
  }

  @Override
  public void subscribe(Collection<String> topics, ConsumerRebalanceListener delegate) {
    // The real consumer calls onPartitionsLost instead of onPartitionsRevoked when it finds its
    // partitions gone; MockConsumer only revokes, so translate while losing.
    this.listener =
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (losing) {
              delegate.onPartitionsLost(partitions);
            } else {
              delegate.onPartitionsRevoked(partitions);
            }
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            delegate.onPartitionsAssigned(partitions);
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            delegate.onPartitionsLost(partitions);
          }
        };
    super.subscribe(topics, listener);
  }

  /**
   * A rebalance in which the partitions that go were lost (session timeout, fenced), not revoked.
   */
  synchronized void rebalanceAfterLoss(Collection<TopicPartition> newAssignment) {
    losing = true;
    try {
      rebalance(newAssignment);
    } finally {
      losing = false;
    }
  }

  /**
   * Adds {@code count} records with values of {@code valueBytes} bytes from offset {@code from}.
   */
  void addRecords(TopicPartition tp, long from, int count, int valueBytes) {
    for (long o = from; o < from + count; o++) {
      addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), o, null, new byte[valueBytes]));
    }
  }

  @Override
  public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
    ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
    if (records.isEmpty()) {
      clock.advance(timeout);
    }
    return records;
  }

  /** The next asynchronous commit fails with {@code error} (queued: one per commit). */
  synchronized void failNextAsyncCommit(KafkaException error) {
    asyncFailures.add(error);
  }

  /** The next synchronous commit throws {@code error}. */
  synchronized void failNextSyncCommit(RuntimeException error) {
    syncFailure = error;
  }

  /** From now on, asynchronous commit callbacks wait for {@link #releaseCallbacks}. */
  synchronized void holdCallbacks() {
    holdCallbacks = true;
  }

  /** Runs the held callbacks, in order, and stops holding them. */
  synchronized void releaseCallbacks() {
    holdCallbacks = false;
    List<Runnable> held = new ArrayList<>(heldCallbacks);
    heldCallbacks.clear();
    held.forEach(Runnable::run);
  }

  /** Every commit so far, in order. */
  synchronized List<Commit> commits() {
    return List.copyOf(commits);
  }

  @Override
  public synchronized void commitAsync(
      Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
    if (inSync) {
      // MockConsumer commits synchronously through commitAsync.
      super.commitAsync(offsets, callback);
      return;
    }
    KafkaException error = asyncFailures.poll();
    commits.add(new Commit(false, plain(offsets), error != null));
    if (error == null) {
      super.commitAsync(offsets, null);
    }
    Runnable done = () -> callback.onComplete(offsets, error);
    if (holdCallbacks) {
      heldCallbacks.add(done);
    } else {
      done.run();
    }
  }

  @Override
  public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    RuntimeException error = syncFailure;
    syncFailure = null;
    commits.add(new Commit(true, plain(offsets), error != null));
    if (error != null) {
      throw error;
    }
    inSync = true;
    try {
      super.commitSync(offsets);
    } finally {
      inSync = false;
    }
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    commitSync(offsets);
  }

  @Override
  public synchronized void close(CloseOptions options) {
    // Closing a group member revokes its partitions first.
    if (!closed() && listener != null && !assignment().isEmpty()) {
      listener.onPartitionsRevoked(assignment());
    }
    super.close(options);
  }

  private static Map<TopicPartition, Long> plain(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    offsets.forEach((tp, om) -> out.put(tp, om.offset()));
    return Map.copyOf(out);
  }
}
