package io.inceptionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inceptionstream.ingest.ScriptedConsumer.Commit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OffsetCommitterTest {

  private static final TopicPartition P0 = new TopicPartition("in", 0);
  private static final TopicPartition P1 = new TopicPartition("in", 1);
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final TestClock clock = new TestClock();
  private final ScriptedConsumer consumer = new ScriptedConsumer(clock, List.of(P0, P1));
  private final OffsetTracker<TopicPartition> tracker = new OffsetTracker<>();
  private final AssignmentEpochs epochs = new AssignmentEpochs();

  @BeforeEach
  void assign() {
    consumer.assign(List.of(P0, P1));
    epochs.assign(P0);
    epochs.assign(P1);
  }

  private OffsetCommitter committer(boolean exactlyOnce) {
    return new OffsetCommitter(consumer, tracker, epochs, clock, INTERVAL, exactlyOnce);
  }

  private void polledAndCompleted(TopicPartition tp, long from, long to) {
    for (long o = from; o <= to; o++) {
      tracker.register(tp, o, 10);
      tracker.complete(tp, o);
    }
  }

  private static Commit async(TopicPartition tp, long offset) {
    return new Commit(false, Map.of(tp, offset), false);
  }

  private long committed(TopicPartition tp) {
    OffsetAndMetadata om = consumer.committed(Set.of(tp)).get(tp);
    return om == null ? -1 : om.offset();
  }

  @Test
  void commitsAsynchronouslyOnlyOnceTheIntervalHasPassed() {
    OffsetCommitter c = committer(false);
    polledAndCompleted(P0, 0, 2);
    c.maybeCommit();
    clock.advance(INTERVAL.minusNanos(1));
    c.maybeCommit();
    assertEquals(List.of(), consumer.commits());
    clock.advance(Duration.ofNanos(1));
    c.maybeCommit();
    assertEquals(List.of(async(P0, 3)), consumer.commits());
    assertEquals(3, committed(P0));
  }

  @Test
  void commitsTheOffsetAfterTheCompletedPrefixAndNothingPastAHole() {
    OffsetCommitter c = committer(false);
    for (long o = 0; o < 5; o++) {
      tracker.register(P0, o, 10);
    }
    tracker.complete(P0, 0);
    tracker.complete(P0, 1);
    tracker.complete(P0, 3);
    tracker.complete(P0, 4);
    clock.advance(INTERVAL);
    c.maybeCommit();
    assertEquals(List.of(async(P0, 2)), consumer.commits());
    tracker.complete(P0, 2);
    clock.advance(INTERVAL);
    c.maybeCommit();
    assertEquals(List.of(async(P0, 2), async(P0, 5)), consumer.commits());
  }

  @Test
  void sendsNothingWhenNoPositionAdvanced() {
    OffsetCommitter c = committer(false);
    polledAndCompleted(P0, 0, 0);
    clock.advance(INTERVAL);
    c.maybeCommit();
    polledAndCompleted(P1, 0, 0);
    clock.advance(INTERVAL);
    c.maybeCommit();
    clock.advance(INTERVAL);
    c.maybeCommit();
    c.commitNow();
    assertEquals(List.of(async(P0, 1), async(P1, 1)), consumer.commits());
  }

  @Test
  void aFailedAsynchronousCommitIsSentAgainWithTheNext() {
    OffsetCommitter c = committer(false);
    polledAndCompleted(P0, 0, 2);
    consumer.failNextAsyncCommit(new RetriableCommitFailedException("coordinator moved"));
    clock.advance(INTERVAL);
    c.maybeCommit();
    assertEquals(-1, committed(P0));
    polledAndCompleted(P1, 0, 0);
    clock.advance(INTERVAL);
    c.maybeCommit();
    clock.advance(INTERVAL);
    c.maybeCommit();
    assertEquals(
        List.of(
            new Commit(false, Map.of(P0, 3L), true),
            new Commit(false, Map.of(P0, 3L, P1, 1L), false)),
        consumer.commits(),
        "sent again with P1's, then no more once it succeeded");
    assertEquals(3, committed(P0));
  }

  @Test
  void commitNowCommitsSynchronouslyWhateverTheInterval() {
    OffsetCommitter c = committer(false);
    polledAndCompleted(P0, 0, 4);
    c.commitNow();
    assertEquals(List.of(new Commit(true, Map.of(P0, 5L), false)), consumer.commits());
    assertEquals(5, committed(P0));
    polledAndCompleted(P0, 5, 5);
    c.maybeCommit();
    assertEquals(1, consumer.commits().size(), "the interval starts again at a sync commit");
  }

  @Test
  void aFailedSynchronousCommitIsLoggedAndSentAgainNextTime() {
    OffsetCommitter c = committer(false);
    polledAndCompleted(P0, 0, 1);
    consumer.failNextSyncCommit(new TimeoutException("no coordinator"));
    c.commitNow();
    c.commitNow();
    assertEquals(
        List.of(new Commit(true, Map.of(P0, 2L), true), new Commit(true, Map.of(P0, 2L), false)),
        consumer.commits());
    assertEquals(2, committed(P0));
  }

  @Test
  void aLateSuccessForAnEpochThatEndedIsIgnored() {
    OffsetCommitter c = committer(false);
    polledAndCompleted(P0, 0, 2);
    consumer.holdCallbacks();
    clock.advance(INTERVAL);
    c.maybeCommit();
    // The offsets go back before the broker's answer arrives: a new epoch reads 0..2 again.
    c.forget(P0);
    epochs.renew(P0);
    consumer.releaseCallbacks();
    polledAndCompleted(P0, 0, 2);
    clock.advance(INTERVAL);
    c.maybeCommit();
    assertEquals(
        List.of(async(P0, 3), async(P0, 3)),
        consumer.commits(),
        "the late answer spoke of the old epoch: the new epoch's 3 is still sent");
  }

  @Test
  void aLateSuccessInTheSameEpochCounts() {
    OffsetCommitter c = committer(false);
    polledAndCompleted(P0, 0, 2);
    consumer.holdCallbacks();
    clock.advance(INTERVAL);
    c.maybeCommit();
    consumer.releaseCallbacks();
    clock.advance(INTERVAL);
    c.maybeCommit();
    assertEquals(List.of(async(P0, 3)), consumer.commits());
  }

  @Test
  void aForgottenPartitionCommitsNothingMore() {
    OffsetCommitter c = committer(false);
    polledAndCompleted(P0, 0, 2);
    polledAndCompleted(P1, 0, 0);
    tracker.forget(P0);
    c.forget(P0);
    epochs.end(P0);
    clock.advance(INTERVAL);
    c.maybeCommit();
    c.commitNow();
    assertEquals(List.of(async(P1, 1)), consumer.commits());
  }

  @Test
  void exactlyOnceCommitsNothing() {
    OffsetCommitter c = committer(true);
    polledAndCompleted(P0, 0, 9);
    clock.advance(INTERVAL.multipliedBy(5));
    c.maybeCommit();
    c.commitNow();
    assertEquals(List.of(), consumer.commits());
    assertEquals(-1, committed(P0));
  }
}
