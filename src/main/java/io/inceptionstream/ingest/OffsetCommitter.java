package io.inceptionstream.ingest;

import io.inceptionstream.lifecycle.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once offset commits: per partition, the offset after the longest prefix of completed
 * records ({@link OffsetTracker}), sent when it advanced. In the loop it commits asynchronously, at
 * most once per commit interval; on revocation and shutdown synchronously. A commit counts as done
 * only when it succeeded, so a failed one is sent again with the next. A success that arrives after
 * its partition's epoch ended (revoked, lost, reset) is ignored: it speaks of an assignment that is
 * over. In exactly-once mode the publisher commits in its transactions and this commits nothing.
 * Poll thread only (asynchronous commit callbacks run inside poll()).
 */
final class OffsetCommitter {

  private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

  private final Consumer<?, ?> consumer;
  private final OffsetTracker<TopicPartition> tracker;
  private final AssignmentEpochs epochs;
  private final Clock clock;
  private final long intervalNanos;
  private final boolean exactlyOnce;

  /** Committable positions taken from the tracker, committed or not. */
  private final Map<TopicPartition, Long> positions = new HashMap<>();

  /** Positions whose commit succeeded. */
  private final Map<TopicPartition, Long> committed = new HashMap<>();

  private long lastCommitNanos;

  OffsetCommitter(
      Consumer<?, ?> consumer,
      OffsetTracker<TopicPartition> tracker,
      AssignmentEpochs epochs,
      Clock clock,
      Duration interval,
      boolean exactlyOnce) {
    this.consumer = consumer;
    this.tracker = tracker;
    this.epochs = epochs;
    this.clock = clock;
    this.intervalNanos = interval.toNanos();
    this.exactlyOnce = exactlyOnce;
    this.lastCommitNanos = clock.nanoTime();
  }

  /** Commits asynchronously what advanced, if the commit interval has passed since the last. */
  void maybeCommit() {
    commit(false);
  }

  /**
   * Commits synchronously what advanced, now (revocation, shutdown). A failure is logged, not
   * thrown: those records stay uncommitted and are processed again.
   */
  void commitNow() {
    commit(true);
  }

  /** The partition's epoch ended: nothing more is committed for it until it is assigned again. */
  void forget(TopicPartition tp) {
    positions.remove(tp);
    committed.remove(tp);
  }

  private void commit(boolean sync) {
    if (exactlyOnce) {
      return;
    }
    long now = clock.nanoTime();
    if (!sync && now - lastCommitNanos < intervalNanos) {
      return;
    }
    lastCommitNanos = now;
    positions.putAll(tracker.takeCommittable());
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    positions.forEach(
        (tp, off) -> {
          if (!off.equals(committed.get(tp))) {
            offsets.put(tp, new OffsetAndMetadata(off));
          }
        });
    if (offsets.isEmpty()) {
      return;
    }
    if (sync) {
      try {
        consumer.commitSync(offsets, SYNC_TIMEOUT);
        offsets.forEach((tp, om) -> committed.put(tp, om.offset()));
      } catch (RuntimeException e) {
        LOG.warn(
            "Commit of {} failed: {}; those records will be processed again",
            offsets,
            e.toString());
      }
      return;
    }
    Map<TopicPartition, Long> sentIn = new HashMap<>();
    offsets.keySet().forEach(tp -> sentIn.put(tp, epochs.current(tp)));
    consumer.commitAsync(
        offsets,
        (done, error) -> {
          if (error != null) {
            LOG.warn(
                "Asynchronous commit failed ({}); the next commit sends it again",
                error.toString());
            return;
          }
          done.forEach(
              (tp, om) -> {
                Long epoch = sentIn.get(tp);
                if (epoch != null && epochs.isCurrent(tp, epoch)) {
                  committed.merge(tp, om.offset(), Math::max);
                }
              });
        });
  }
}
