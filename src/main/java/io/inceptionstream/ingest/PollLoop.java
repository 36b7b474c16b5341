package io.inceptionstream.ingest;

import io.inceptionstream.lifecycle.Clock;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.lifecycle.Ownership;
import io.inceptionstream.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread, sole owner of the consumer. It registers every polled record in the {@link
 * OffsetTracker} and hands it on in poll order; it never blocks on the pipeline: when records in
 * flight (or their bytes) would pass the bound it pauses its partitions and keeps polling, and
 * resumes them below the low-water mark ({@link Backpressure}). At least once, it commits per
 * partition the offset after the longest prefix of completed records ({@link OffsetCommitter});
 * completions arrive from other threads through a queue. Each assignment of a partition gets an
 * epoch ({@link AssignmentEpochs}): on revocation it waits (bounded) for the partition's records in
 * flight and commits them, then ends the epoch, so whatever is left is skipped downstream and never
 * committed here. On {@link #stop()} it stops fetching, waits for in-flight records up to the
 * shutdown timeout, ends every epoch, commits and closes the consumer. {@link #run()} on the poll
 * thread; {@link #completed}, {@link #stop}, {@link #owns} and the getters from any thread.
 */
public final class PollLoop implements Runnable, Ownership {

  private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * While paused, poll() cannot return records and would sleep its whole timeout: poll briefly so
   * completions are seen, and partitions resumed, within milliseconds.
   */
  static final Duration PAUSED_POLL = Duration.ofMillis(5);

  /** How often revocation looks for completions while it waits for its records. */
  static final Duration REVOKE_CHECK = Duration.ofMillis(10);

  private static final long LAG_INTERVAL_NANOS = 1_000_000_000L;

  /**
   * Bounds and timing.
   *
   * @param topic input topic
   * @param maxInFlight most records in flight; the consumer's max.poll.records is kept at or below
   *     a quarter of it and partitions pause early enough that one poll cannot pass it
   * @param resumeBelow resume when in flight falls to this (and one more poll fits the bound)
   * @param maxInFlightBytes pause when the bytes of records in flight reach this
   * @param commitInterval how often completed offsets are committed (at least once)
   * @param drainTimeout how long revocation and shutdown wait for in-flight records
   * @param exactlyOnce offsets are committed in transactions by the publisher, not here
   */
  public record Settings(
      String topic,
      int maxInFlight,
      int resumeBelow,
      long maxInFlightBytes,
      Duration commitInterval,
      Duration drainTimeout,
      boolean exactlyOnce) {}

  private final Settings settings;
  private final Consumer<byte[], byte[]> consumer;
  private final Clock clock;
  private final java.util.function.Consumer<InputRecord> downstream;
  private final Failure failure;
  private final WorkerMetrics metrics;
  private final Duration revokeWait;
  private final OffsetTracker<TopicPartition> tracker = new OffsetTracker<>();
  private final Queue<InputRecord> completions = new ConcurrentLinkedQueue<>();
  private final AssignmentEpochs epochs = new AssignmentEpochs();
  private final Backpressure backpressure;
  private final OffsetCommitter commits;
  private final Map<TopicPartition, Long> lastRegistered = new HashMap<>();
  private volatile boolean stopping;
  private volatile boolean assignedOnce;
  private volatile ConsumerGroupMetadata groupMetadata;
  // Published for the gauges, which read them from the metrics threads.
  private volatile int inFlight;
  private volatile long inFlightBytes;
  private volatile int maxSeenInFlight;
  private volatile int pausedCount;
  private volatile int assignedCount;
  private volatile long lag;

  /** Records of ended epochs still in the pipeline: they count as in flight until they drain. */
  private int abandoned;

  /** Set before the final close, whose revocation must neither wait nor commit again. */
  private boolean closing;

  private long lastLagNanos;

  /**
   * @param consumerProperties how the consumer was configured (its max.poll.records, the revocation
   *     wait)
   * @param consumer a consumer created with {@code consumerProperties}, owned by this loop from now
   * @param clock time for the commit interval, the drain deadlines, the lag sampling and the poll
   *     timestamps; the revocation wait sleeps on it
   * @param downstream receives every polled record, in poll order, on this thread; must not block
   */
  public PollLoop(
      Settings settings,
      ConsumerProperties consumerProperties,
      Consumer<byte[], byte[]> consumer,
      Clock clock,
      java.util.function.Consumer<InputRecord> downstream,
      Failure failure,
      WorkerMetrics metrics) {
    this.settings = settings;
    this.consumer = consumer;
    this.clock = clock;
    this.downstream = downstream;
    this.failure = failure;
    this.metrics = metrics;
    this.revokeWait = consumerProperties.revokeWait();
    this.backpressure =
        new Backpressure(
            settings.maxInFlight(),
            settings.resumeBelow(),
            settings.maxInFlightBytes(),
            consumerProperties.maxPollRecords());
    this.commits =
        new OffsetCommitter(
            consumer, tracker, epochs, clock, settings.commitInterval(), settings.exactlyOnce());
    // The first lag sample is due at once.
    this.lastLagNanos = clock.nanoTime() - LAG_INTERVAL_NANOS;
    metrics.gauge(WorkerMetrics.IN_FLIGHT, () -> inFlight);
    metrics.gauge(WorkerMetrics.IN_FLIGHT_BYTES, () -> inFlightBytes);
    metrics.gauge(WorkerMetrics.PAUSED_PARTITIONS, () -> pausedCount);
    metrics.gauge(WorkerMetrics.ASSIGNED_PARTITIONS, () -> assignedCount);
    metrics.gauge(WorkerMetrics.CONSUMER_LAG, () -> lag);
    metrics.gauge(WorkerMetrics.IN_FLIGHT_MAX, () -> maxSeenInFlight);
    metrics.gauge(WorkerMetrics.PAUSES, backpressure::pauses);
    metrics.gauge(WorkerMetrics.RESUMES, backpressure::resumes);
  }

  /**
   * The worker's poll loop on a {@link KafkaConsumer} and the system clock.
   *
   * @param consumerProperties merged consumer settings (bootstrap servers, group, user overrides);
   *     see {@link ConsumerProperties#of}
   * @param downstream receives every polled record, in poll order, on the poll thread; must not
   *     block
   */
  public static PollLoop withKafkaConsumer(
      Settings settings,
      Map<String, Object> consumerProperties,
      java.util.function.Consumer<InputRecord> downstream,
      Failure failure,
      WorkerMetrics metrics) {
    ConsumerProperties props =
        ConsumerProperties.of(settings.maxInFlight(), settings.drainTimeout(), consumerProperties);
    return new PollLoop(
        settings,
        props,
        new KafkaConsumer<>(props.properties()),
        Clock.SYSTEM,
        downstream,
        failure,
        metrics);
  }

  /**
   * Called by any thread when a record needs nothing more: its outputs are durable, or it was
   * skipped.
   */
  public void completed(InputRecord record) {
    completions.add(record);
  }

  /** Asks the loop to stop fetching, drain and close; returns at once. */
  public void stop() {
    stopping = true;
  }

  /** Whether the consumer has received its first assignment. */
  public boolean assigned() {
    return assignedOnce;
  }

  /**
   * The consumer's group metadata as of the last poll or rebalance, for transactional offset
   * commits.
   */
  public ConsumerGroupMetadata groupMetadata() {
    return groupMetadata;
  }

  @Override
  public boolean owns(InputRecord record) {
    return epochs.owns(record);
  }

  /** Closes the consumer when the loop never ran (a worker that failed to start). */
  public void closeUnstarted() {
    closeQuietly();
  }

  @Override
  public void run() {
    try {
      subscribe();
      while (!stopping && !failure.failed()) {
        pollOnce();
      }
      shutdown();
    } catch (Throwable e) {
      failure.fail("poll loop", e);
      closeQuietly();
    }
  }

  // subscribe() and pollOnce() are the steps of run(), package-private so that unit tests can
  // drive the loop one poll at a time on their own thread.

  void subscribe() {
    consumer.subscribe(List.of(settings.topic()), new Rebalance());
    groupMetadata = consumer.groupMetadata();
  }

  void pollOnce() {
    ConsumerRecords<byte[], byte[]> records =
        consumer.poll(backpressure.paused() ? PAUSED_POLL : POLL);
    groupMetadata = consumer.groupMetadata();
    long now = clock.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      Long last = lastRegistered.get(tp);
      if (last != null && r.offset() <= last) {
        reset(tp, r.offset(), last);
      }
      lastRegistered.put(tp, r.offset());
      InputRecord in = toInput(r, now, epochs.current(tp));
      tracker.register(tp, r.offset(), in.sizeInBytes());
      metrics.recordsIn.mark();
      downstream.accept(in);
    }
    sampleInFlight();
    drainCompletions();
    applyBackpressure();
    commits.maybeCommit();
    maybeUpdateLag();
  }

  /** The partition's offsets went back (a reset after truncation): start a new epoch. */
  private void reset(TopicPartition tp, long offset, long last) {
    LOG.warn(
        "{} went back from offset {} to {} (offset reset); its earlier records are abandoned",
        tp,
        last,
        offset);
    abandoned += tracker.forget(tp);
    commits.forget(tp);
    epochs.renew(tp);
  }

  private void shutdown() {
    if (failure.failed()) {
      LOG.warn("Stopping after a fatal error; committing only completed records");
    } else {
      LOG.info(
          "Stopping: no new records; waiting up to {} for {} in flight",
          settings.drainTimeout(),
          tracker.inFlight());
    }
    pauseAll();
    backpressure.pausedAnyway();
    long deadline = clock.nanoTime() + settings.drainTimeout().toNanos();
    drainCompletions();
    while (tracker.inFlight() > 0 && clock.nanoTime() < deadline && !failure.failed()) {
      consumer.poll(POLL);
      groupMetadata = consumer.groupMetadata();
      drainCompletions();
      commits.maybeCommit();
    }
    drainCompletions();
    if (tracker.inFlight() > 0) {
      LOG.warn(
          "{} records still in flight at shutdown; they stay uncommitted and will be processed again",
          tracker.inFlight());
    }
    // Whatever is still in the pipeline now belongs to no one: skip its outputs.
    epochs.endAll();
    commits.commitNow();
    closing = true;
    // A requested stop leaves the group at once, static member or not, so the partitions move
    // now (scale-in, rolling restart). After a fatal error a static member stays: the restart that
    // follows, with the same group.instance.id, takes its partitions back without a rebalance.
    closeQuietly(
        failure.failed()
            ? CloseOptions.GroupMembershipOperation.DEFAULT
            : CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
  }

  private void closeQuietly() {
    closeQuietly(CloseOptions.GroupMembershipOperation.DEFAULT);
  }

  private void closeQuietly(CloseOptions.GroupMembershipOperation membership) {
    try {
      consumer.close(
          CloseOptions.timeout(Duration.ofSeconds(5)).withGroupMembershipOperation(membership));
    } catch (RuntimeException e) {
      LOG.warn("Closing the consumer failed: {}", e.toString());
    }
  }

  private static InputRecord toInput(ConsumerRecord<byte[], byte[]> r, long now, long epoch) {
    List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
    for (Header h : r.headers()) {
      headers.add(new AbstractMap.SimpleImmutableEntry<>(h.key(), h.value()));
    }
    return new InputRecord(
        r.topic(),
        r.partition(),
        r.offset(),
        r.key(),
        r.value(),
        List.copyOf(headers),
        r.timestamp(),
        now,
        epoch);
  }

  private void drainCompletions() {
    InputRecord r;
    while ((r = completions.poll()) != null) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      if (epochs.isCurrent(tp, r.epoch())) {
        tracker.complete(tp, r.offset());
      } else if (abandoned > 0) {
        abandoned--;
      }
    }
    sampleInFlight();
  }

  private void sampleInFlight() {
    int n = tracker.inFlight() + abandoned;
    inFlight = n;
    inFlightBytes = tracker.inFlightBytes();
    if (n > maxSeenInFlight) {
      maxSeenInFlight = n;
    }
  }

  private void applyBackpressure() {
    int n = tracker.inFlight() + abandoned;
    switch (backpressure.update(n, tracker.inFlightBytes(), !stopping)) {
      case PAUSE -> {
        pauseAll();
        LOG.debug("Paused: {} records, {} bytes in flight", n, tracker.inFlightBytes());
      }
      case RESUME -> {
        consumer.resume(consumer.paused());
        pausedCount = 0;
        LOG.debug("Resumed: {} records in flight", n);
      }
      case NONE -> {}
    }
  }

  private void pauseAll() {
    consumer.pause(consumer.assignment());
    pausedCount = consumer.paused().size();
  }

  private void maybeUpdateLag() {
    long now = clock.nanoTime();
    if (now - lastLagNanos < LAG_INTERVAL_NANOS) {
      return;
    }
    lastLagNanos = now;
    long total = 0;
    for (TopicPartition tp : consumer.assignment()) {
      total += consumer.currentLag(tp).orElse(0);
    }
    lag = total;
    assignedCount = consumer.assignment().size();
  }

  private void endEpoch(TopicPartition tp) {
    epochs.end(tp);
    abandoned += tracker.forget(tp);
    commits.forget(tp);
    lastRegistered.remove(tp);
  }

  /** Runs on the poll thread, inside poll(). */
  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // The consumer may already be in the next generation: transactions must use it from now on.
      groupMetadata = consumer.groupMetadata();
      if (partitions.isEmpty()) {
        return;
      }
      Set<TopicPartition> revoked = new HashSet<>(partitions);
      if (!closing) {
        awaitRevoked(revoked);
        commits.commitNow();
      }
      for (TopicPartition tp : revoked) {
        endEpoch(tp);
      }
      sampleInFlight();
      assignedCount = consumer.assignment().size() - revoked.size();
      LOG.info("Revoked {}", revoked);
    }

    /** Waits, bounded, for the records of revoked partitions, so that they can be committed. */
    private void awaitRevoked(Set<TopicPartition> revoked) {
      long deadline = clock.nanoTime() + revokeWait.toNanos();
      drainCompletions();
      while (tracker.inFlight(revoked) > 0 && clock.nanoTime() < deadline && !failure.failed()) {
        try {
          clock.sleep(REVOKE_CHECK);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        drainCompletions();
      }
      int left = tracker.inFlight(revoked);
      if (left > 0) {
        LOG.warn(
            "{} records of revoked {} unfinished after {}; they stay uncommitted and their outputs are skipped",
            left,
            revoked,
            revokeWait);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      groupMetadata = consumer.groupMetadata();
      for (TopicPartition tp : partitions) {
        int n = tracker.inFlight(tp);
        endEpoch(tp);
        if (n > 0) {
          LOG.warn(
              "Lost {} with {} records in flight; they stay uncommitted and their outputs are skipped",
              tp,
              n);
        }
      }
      sampleInFlight();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      groupMetadata = consumer.groupMetadata();
      for (TopicPartition tp : partitions) {
        epochs.assign(tp);
      }
      if (backpressure.paused() && !partitions.isEmpty()) {
        consumer.pause(partitions);
        pausedCount = consumer.paused().size();
      }
      assignedOnce = true;
      assignedCount = consumer.assignment().size();
      if (!partitions.isEmpty()) {
        LOG.info("Assigned {}", partitions);
      }
    }
  }
}
