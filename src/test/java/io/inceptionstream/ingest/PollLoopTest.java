package io.inceptionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.inceptionstream.ingest.ScriptedConsumer.Commit;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The poll loop on Kafka's MockConsumer and a manual clock. Most tests drive it one poll at a time
 * ({@code subscribe}, {@code pollOnce}); rebalances happen inside poll through {@code
 * schedulePollTask}, as they do on a real consumer. The stop tests run the whole loop, scripted by
 * poll tasks.
 */
class PollLoopTest {

  private static final String TOPIC = "images";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration DRAIN = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final int VALUE = 10;
  private static final long SIZE = 64 + VALUE;

  private final TestClock clock = new TestClock();
  private final ScriptedConsumer consumer = new ScriptedConsumer(clock, List.of(P0, P1));
  private final List<InputRecord> polled = new ArrayList<>();
  private final Failure failure = new Failure();
  private final MetricRegistry registry = new MetricRegistry();

  private PollLoop loop(int maxInFlight, int resumeBelow, long maxInFlightBytes, boolean eos) {
    PollLoop.Settings settings =
        new PollLoop.Settings(
            TOPIC, maxInFlight, resumeBelow, maxInFlightBytes, INTERVAL, DRAIN, eos);
    return new PollLoop(
        settings,
        ConsumerProperties.of(maxInFlight, DRAIN, Map.of()),
        consumer,
        clock,
        polled::add,
        failure,
        new WorkerMetrics(registry));
  }

  private PollLoop loop() {
    return loop(100, 50, 1 << 20, false);
  }

  /** Subscribes, and receives {@code assignment} in the first poll. */
  private PollLoop started(PollLoop loop, TopicPartition... assignment) {
    loop.subscribe();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(assignment)));
    loop.pollOnce();
    return loop;
  }

  /** The record last polled at this position (the latest epoch's). */
  private InputRecord polled(TopicPartition tp, long offset) {
    for (int i = polled.size() - 1; i >= 0; i--) {
      InputRecord r = polled.get(i);
      if (r.topic().equals(tp.topic()) && r.partition() == tp.partition() && r.offset() == offset) {
        return r;
      }
    }
    throw new AssertionError("not polled: " + tp + "@" + offset);
  }

  private void complete(PollLoop loop, TopicPartition tp, long... offsets) {
    for (long o : offsets) {
      loop.completed(polled(tp, o));
    }
  }

  private long gauge(String name) {
    return (Long) registry.getGauges().get(name).getValue();
  }

  private static Commit sync(TopicPartition tp, long offset) {
    return new Commit(true, Map.of(tp, offset), false);
  }

  private static Commit async(TopicPartition tp, long offset) {
    return new Commit(false, Map.of(tp, offset), false);
  }

  /** Time spent in {@code step}, beyond what an empty poll spends. */
  private Duration waitedIn(Runnable step) {
    Duration before = clock.elapsed();
    step.run();
    return clock.elapsed().minus(before).minus(POLL);
  }

  @Test
  void handsOnEveryPolledRecordInPollOrderWithItsEpochAndPollTime() {
    PollLoop loop = started(loop(), P0, P1);
    consumer.addRecords(P0, 0, 3, VALUE);
    consumer.addRecords(P1, 0, 2, VALUE);
    long now = clock.currentTimeMillis();
    loop.pollOnce();
    assertEquals(5, polled.size());
    assertEquals(
        List.of(0L, 1L, 2L),
        polled.stream().filter(r -> r.partition() == 0).map(InputRecord::offset).toList());
    for (InputRecord r : polled) {
      assertEquals(now, r.polledAt());
      assertTrue(loop.owns(r), r.position());
    }
    assertNotEquals(polled(P0, 0).epoch(), polled(P1, 0).epoch());
    assertEquals(5, gauge(WorkerMetrics.IN_FLIGHT));
    assertEquals(5 * SIZE, gauge(WorkerMetrics.IN_FLIGHT_BYTES));
    assertEquals(5, gauge(WorkerMetrics.IN_FLIGHT_MAX));
    assertEquals(2, gauge(WorkerMetrics.ASSIGNED_PARTITIONS));
    assertTrue(loop.assigned());
    assertNotNull(loop.groupMetadata());
  }

  @Test
  void commitsTheCompletedPrefixAsynchronouslyOncePerCommitInterval() {
    PollLoop loop = started(loop(), P0);
    consumer.addRecords(P0, 0, 5, VALUE);
    loop.pollOnce();
    complete(loop, P0, 0, 1, 3);
    loop.pollOnce();
    assertEquals(List.of(), consumer.commits(), "the interval has not passed");
    clock.advance(INTERVAL);
    loop.pollOnce();
    assertEquals(List.of(async(P0, 2)), consumer.commits(), "nothing past the hole at 2");
    complete(loop, P0, 2);
    loop.pollOnce();
    assertEquals(1, consumer.commits().size());
    clock.advance(INTERVAL);
    loop.pollOnce();
    assertEquals(List.of(async(P0, 2), async(P0, 4)), consumer.commits());
  }

  @Test
  void revocationWaitsBoundedForItsRecordsAndCommitsTheirCompletedPrefixSynchronously() {
    PollLoop loop = started(loop(), P0, P1);
    consumer.addRecords(P0, 0, 5, VALUE);
    consumer.addRecords(P1, 0, 2, VALUE);
    loop.pollOnce();
    complete(loop, P0, 0, 1, 3);
    // 4 completes while revocation waits; 2 never does.
    clock.scheduleSleepTask(() -> complete(loop, P0, 4));
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));
    Duration waited = waitedIn(loop::pollOnce);
    assertEquals(DRAIN, waited, "waited the whole revocation timeout, no longer");
    assertEquals(List.of(sync(P0, 2)), consumer.commits(), "nothing past the hole at 2");
    assertFalse(loop.owns(polled(P0, 2)));
    assertTrue(loop.owns(polled(P1, 0)));
    assertEquals(3, gauge(WorkerMetrics.IN_FLIGHT), "P1's two and the abandoned P0@2");
    assertEquals(1, gauge(WorkerMetrics.ASSIGNED_PARTITIONS));
  }

  @Test
  void revocationStopsWaitingOnceItsRecordsAreDone() {
    PollLoop loop = started(loop(), P0, P1);
    consumer.addRecords(P0, 0, 3, VALUE);
    consumer.addRecords(P1, 0, 1, VALUE);
    loop.pollOnce();
    complete(loop, P0, 0);
    clock.scheduleSleepTask(() -> complete(loop, P0, 1));
    clock.scheduleSleepTask(() -> complete(loop, P0, 2));
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));
    Duration waited = waitedIn(loop::pollOnce);
    assertEquals(PollLoop.REVOKE_CHECK.multipliedBy(2), waited, "two checks, then done");
    assertEquals(
        List.of(sync(P0, 3)), consumer.commits(), "P1's record in flight does not hold P0 back");
  }

  @Test
  void aCompletionArrivingAfterRevocationIsIgnoredAndNeverCommitted() {
    PollLoop loop = started(loop(), P0);
    consumer.addRecords(P0, 0, 3, VALUE);
    loop.pollOnce();
    InputRecord old1 = polled(P0, 1);
    InputRecord old2 = polled(P0, 2);
    complete(loop, P0, 0);
    consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
    loop.pollOnce();
    assertEquals(List.of(sync(P0, 1)), consumer.commits());
    assertEquals(2, gauge(WorkerMetrics.IN_FLIGHT), "abandoned, until they drain");

    loop.completed(old1);
    clock.advance(INTERVAL.multipliedBy(5));
    loop.pollOnce();
    assertEquals(List.of(sync(P0, 1)), consumer.commits());
    assertEquals(1, gauge(WorkerMetrics.IN_FLIGHT));

    // Assigned again, the partition is read from its committed offset in a new epoch.
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    loop.pollOnce();
    consumer.addRecords(P0, 1, 2, VALUE);
    loop.pollOnce();
    assertNotEquals(old2.epoch(), polled(P0, 2).epoch());
    loop.completed(old2);
    complete(loop, P0, 1);
    clock.advance(INTERVAL);
    loop.pollOnce();
    assertEquals(
        List.of(sync(P0, 1), async(P0, 2)),
        consumer.commits(),
        "the late completion of the old P0@2 does not complete the new one");
  }

  @Test
  void lostPartitionsCommitNothing() {
    PollLoop loop = started(loop(), P0, P1);
    consumer.addRecords(P0, 0, 3, VALUE);
    consumer.addRecords(P1, 0, 2, VALUE);
    loop.pollOnce();
    complete(loop, P0, 0, 1);
    complete(loop, P1, 0);
    loop.pollOnce();
    assertEquals(List.of(), consumer.commits(), "the interval has not passed");
    // P0's completed prefix is known now, but its partition is lost before it is committed.
    consumer.schedulePollTask(() -> consumer.rebalanceAfterLoss(List.of(P1)));
    Duration waited = waitedIn(loop::pollOnce);
    assertEquals(Duration.ZERO, waited, "a lost partition is not waited for");
    assertEquals(List.of(), consumer.commits());
    assertFalse(loop.owns(polled(P0, 0)));
    assertTrue(loop.owns(polled(P1, 1)));
    complete(loop, P0, 2);
    clock.advance(INTERVAL);
    loop.pollOnce();
    assertEquals(List.of(async(P1, 1)), consumer.commits(), "P1 only: P0 is another's now");
  }

  @Test
  void pausesWhenOneMorePollCouldPassTheRecordBoundAndResumesAtTheLowWaterMark() {
    // 8 in flight at most, 2 a poll, resume at 2.
    PollLoop loop = started(loop(8, 2, 1 << 20, false), P0);
    consumer.setMaxPollRecords(2);
    consumer.addRecords(P0, 0, 7, VALUE);
    loop.pollOnce();
    loop.pollOnce();
    loop.pollOnce();
    assertEquals(6, polled.size());
    assertEquals(Set.of(), consumer.paused(), "6 + 2 still fits");
    loop.pollOnce();
    assertEquals(7, polled.size());
    assertEquals(Set.of(P0), consumer.paused(), "7 + 2 could pass 8");
    assertEquals(1, gauge(WorkerMetrics.PAUSED_PARTITIONS));
    assertEquals(1, gauge(WorkerMetrics.PAUSES));

    consumer.addRecords(P0, 7, 3, VALUE);
    loop.pollOnce();
    assertEquals(7, polled.size(), "paused: nothing fetched");
    assertEquals(PollLoop.PAUSED_POLL, consumer.lastPollTimeout(), "and polls briefly");
    complete(loop, P0, 0, 1, 2, 3);
    loop.pollOnce();
    assertEquals(Set.of(P0), consumer.paused(), "3 in flight is above the low-water mark");
    complete(loop, P0, 4);
    loop.pollOnce();
    assertEquals(Set.of(), consumer.paused());
    assertEquals(0, gauge(WorkerMetrics.PAUSED_PARTITIONS));
    assertEquals(1, gauge(WorkerMetrics.RESUMES));
    loop.pollOnce();
    assertEquals(9, polled.size(), "fetching again");
    assertEquals(7, gauge(WorkerMetrics.IN_FLIGHT_MAX));
  }

  @Test
  void pausesWhenTheBytesReachTheirBoundAndResumesBelowHalfOfIt() {
    int value = 200;
    long size = 64 + value;
    PollLoop loop = started(loop(1000, 1000, 1000, false), P0);
    consumer.addRecords(P0, 0, 4, value);
    loop.pollOnce();
    assertEquals(4 * size, gauge(WorkerMetrics.IN_FLIGHT_BYTES));
    assertEquals(Set.of(P0), consumer.paused(), "1056 bytes reach the bound of 1000");
    complete(loop, P0, 0);
    loop.pollOnce();
    assertEquals(Set.of(P0), consumer.paused(), "792 bytes: below the bound is not enough");
    complete(loop, P0, 1);
    loop.pollOnce();
    assertEquals(Set.of(P0), consumer.paused(), "528 bytes: not below half");
    complete(loop, P0, 2);
    loop.pollOnce();
    assertEquals(size, gauge(WorkerMetrics.IN_FLIGHT_BYTES));
    assertEquals(Set.of(), consumer.paused(), "264 bytes");
  }

  @Test
  void partitionsAssignedWhilePausedArePausedToo() {
    PollLoop loop = started(loop(8, 2, 1 << 20, false), P0);
    consumer.addRecords(P0, 0, 7, VALUE);
    loop.pollOnce();
    assertEquals(Set.of(P0), consumer.paused());
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0, P1)));
    loop.pollOnce();
    assertEquals(Set.of(P0, P1), consumer.paused());
    assertEquals(2, gauge(WorkerMetrics.PAUSED_PARTITIONS));
  }

  @Test
  void aFailedAsynchronousCommitIsSentAgainAndThenCounts() {
    PollLoop loop = started(loop(), P0);
    consumer.addRecords(P0, 0, 3, VALUE);
    loop.pollOnce();
    complete(loop, P0, 0, 1, 2);
    consumer.failNextAsyncCommit(new RetriableCommitFailedException("coordinator moved"));
    for (int i = 0; i < 3; i++) {
      clock.advance(INTERVAL);
      loop.pollOnce();
    }
    assertEquals(
        List.of(new Commit(false, Map.of(P0, 3L), true), async(P0, 3)), consumer.commits());
    OffsetAndMetadata committed = consumer.committed(Set.of(P0)).get(P0);
    assertEquals(3, committed.offset());
  }

  @Test
  void offsetsGoingBackwardsStartANewEpochAndAbandonTheEarlierRecords() {
    PollLoop loop = started(loop(), P0);
    consumer.addRecords(P0, 0, 5, VALUE);
    loop.pollOnce();
    List<InputRecord> old = List.copyOf(polled);
    complete(loop, P0, 0, 1);
    loop.pollOnce();

    // The log was truncated and the consumer reset to an earlier offset.
    consumer.seek(P0, 0);
    consumer.addRecords(P0, 0, 3, VALUE);
    loop.pollOnce();
    assertEquals(8, polled.size());
    long epoch = polled(P0, 0).epoch();
    assertNotEquals(old.get(0).epoch(), epoch);
    old.forEach(r -> assertFalse(loop.owns(r), r.position()));
    assertTrue(loop.owns(polled(P0, 2)));
    assertEquals(6, gauge(WorkerMetrics.IN_FLIGHT), "3 new and 3 abandoned");

    old.subList(2, 5).forEach(loop::completed);
    loop.pollOnce();
    assertEquals(3, gauge(WorkerMetrics.IN_FLIGHT));
    complete(loop, P0, 0, 1, 2);
    clock.advance(INTERVAL);
    loop.pollOnce();
    assertEquals(
        List.of(async(P0, 3)),
        consumer.commits(),
        "the new epoch's prefix; not the old 2, nor the old 5");
  }

  @Test
  void theLagGaugeSumsTheAssignedPartitionsAtMostOncePerSecond() {
    PollLoop loop = started(loop(), P0, P1);
    consumer.updateEndOffsets(Map.of(P0, 10L, P1, 4L));
    consumer.addRecords(P0, 0, 3, VALUE);
    loop.pollOnce();
    assertEquals(0, gauge(WorkerMetrics.CONSUMER_LAG), "sampled less than a second ago");
    clock.advance(INTERVAL);
    loop.pollOnce();
    assertEquals((10 - 3) + (4 - 0), gauge(WorkerMetrics.CONSUMER_LAG));
  }

  @Test
  void exactlyOnceModeCommitsNothing() {
    PollLoop loop = loop(100, 50, 1 << 20, true);
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0, P1)));
    consumer.schedulePollTask(
        () -> {
          consumer.addRecords(P0, 0, 3, VALUE);
          consumer.addRecords(P1, 0, 2, VALUE);
        });
    consumer.schedulePollTask(
        () -> {
          polled.forEach(loop::completed);
          clock.advance(INTERVAL.multipliedBy(5));
        });
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));
    consumer.schedulePollTask(loop::stop);
    loop.run();
    assertFalse(failure.failed());
    assertEquals(5, polled.size());
    assertEquals(List.of(), consumer.commits());
    assertTrue(consumer.closed());
    polled.forEach(r -> assertFalse(loop.owns(r), r.position()));
  }

  @Test
  void stopDrainsInFlightRecordsThenCommitsSynchronouslyAndClosesTheConsumer() {
    PollLoop loop = loop();
    Set<TopicPartition> pausedWhileDraining = new HashSet<>();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    consumer.schedulePollTask(() -> consumer.addRecords(P0, 0, 3, VALUE));
    consumer.schedulePollTask(loop::stop);
    consumer.schedulePollTask(
        () -> {
          pausedWhileDraining.addAll(consumer.paused());
          complete(loop, P0, 0, 1);
        });
    consumer.schedulePollTask(() -> complete(loop, P0, 2));
    loop.run();
    assertFalse(failure.failed());
    assertEquals(Set.of(P0), pausedWhileDraining, "no new records while draining");
    assertEquals(
        List.of(sync(P0, 3)),
        consumer.commits(),
        "one synchronous commit: the revocation on close neither waits nor commits again");
    assertTrue(consumer.closed());
    assertTrue(clock.elapsed().compareTo(DRAIN) < 0, "done before the drain timeout");
    polled.forEach(r -> assertFalse(loop.owns(r), r.position()));
  }

  @Test
  void stopGivesUpOnRecordsStillInFlightAfterTheDrainTimeout() {
    PollLoop loop = loop();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    consumer.schedulePollTask(() -> consumer.addRecords(P0, 0, 3, VALUE));
    consumer.schedulePollTask(
        () -> {
          complete(loop, P0, 0, 2);
          loop.stop();
        });
    loop.run();
    assertFalse(failure.failed());
    assertTrue(consumer.closed());
    Duration elapsed = clock.elapsed();
    assertTrue(
        elapsed.compareTo(DRAIN) >= 0 && elapsed.compareTo(DRAIN.plusSeconds(1)) < 0,
        "drained for the timeout, then gave up: " + elapsed);
    assertFalse(consumer.commits().isEmpty());
    consumer
        .commits()
        .forEach(c -> assertEquals(Map.of(P0, 1L), c.offsets(), "nothing past the hole at 1"));
    polled.forEach(r -> assertFalse(loop.owns(r), r.position()));
  }

  @Test
  void aFailingPollFailsTheWorkerAndClosesTheConsumerCommittingOnlyCompletedRecords() {
    PollLoop loop = loop();
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    consumer.schedulePollTask(() -> consumer.addRecords(P0, 0, 3, VALUE));
    consumer.schedulePollTask(
        () -> {
          complete(loop, P0, 0);
          consumer.setPollException(new KafkaException("broker gone"));
        });
    loop.run();
    assertTrue(failure.failed());
    assertTrue(failure.cause().getMessage().contains("broker gone"), failure.cause().toString());
    assertTrue(consumer.closed());
    assertEquals(List.of(sync(P0, 1)), consumer.commits(), "revoked on close, without waiting");
    assertTrue(clock.elapsed().compareTo(DRAIN) < 0);
  }

  @Test
  void closeUnstartedClosesTheConsumer() {
    PollLoop loop = loop();
    loop.closeUnstarted();
    assertTrue(consumer.closed());
  }
}
