package io.inceptionstream.ingest;

import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.lifecycle.Ownership;
import io.inceptionstream.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread, sole owner of the {@link KafkaConsumer}. It registers every polled record in the
 * {@link OffsetTracker} and hands it on in poll order; it never blocks on the pipeline: when
 * records in flight (or their bytes) would pass the bound it pauses its partitions and keeps
 * polling, and resumes them below the low-water mark. At least once, it commits per partition the
 * offset after the longest prefix of completed records; completions arrive from other threads
 * through a queue. Each assignment of a partition gets an epoch ({@link Ownership}): on revocation
 * it waits (bounded) for the partition's records in flight and commits them, then ends the epoch,
 * so whatever is left is skipped downstream and never committed here. On {@link #stop()} it stops
 * fetching, waits for in-flight records up to the shutdown timeout, ends every epoch, commits and
 * closes the consumer.
 */
public final class PollLoop implements Runnable, Ownership {

  private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * While paused, poll() cannot return records and would sleep its whole timeout: poll briefly so
   * completions are seen, and partitions resumed, within milliseconds.
   */
  private static final Duration PAUSED_POLL = Duration.ofMillis(5);

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
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Consumer<InputRecord> downstream;
  private final Failure failure;
  private final OffsetTracker<TopicPartition> tracker = new OffsetTracker<>();
  private final Queue<InputRecord> completions = new ConcurrentLinkedQueue<>();
  private final Map<TopicPartition, Long> epochs = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Map<TopicPartition, Long> lastRegistered = new HashMap<>();
  private final int maxPollRecords;
  private final Duration revokeWait;
  private final WorkerMetrics metrics;
  private volatile boolean stopping;
  private volatile boolean assignedOnce;
  private volatile ConsumerGroupMetadata groupMetadata;
  private volatile int inFlight;
  private volatile long inFlightBytes;
  private volatile int pausedCount;
  private volatile int assignedCount;
  private volatile long lag;
  private volatile int maxSeenInFlight;
  private volatile long pauses;
  private volatile long resumes;
  private long nextEpoch;
  private int abandoned;
  private boolean paused;
  private boolean closing;
  private long lastCommitNanos = System.nanoTime();
  private long lastLagNanos;

  /**
   * @param consumerProperties merged consumer settings (bootstrap servers, group, user overrides)
   * @param downstream receives every polled record, in poll order, on this thread; must not block
   */
  public PollLoop(
      Settings settings,
      Map<String, Object> consumerProperties,
      Consumer<InputRecord> downstream,
      Failure failure,
      WorkerMetrics metrics) {
    this.settings = settings;
    this.downstream = downstream;
    this.failure = failure;
    this.metrics = metrics;
    Map<String, Object> props = new HashMap<>(defaults(settings.maxInFlight()));
    props.putAll(consumerProperties);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    int requested =
        Integer.parseInt(String.valueOf(props.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)));
    this.maxPollRecords = Math.max(1, Math.min(requested, Math.max(1, settings.maxInFlight() / 4)));
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
    long maxPollInterval =
        Long.parseLong(
            String.valueOf(
                props.getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "300000")));
    // The revocation wait runs inside poll(): keep it well inside max.poll.interval.ms.
    this.revokeWait =
        Duration.ofMillis(Math.min(settings.drainTimeout().toMillis(), maxPollInterval * 8 / 10));
    this.consumer = new KafkaConsumer<>(props);
    metrics.gauge(WorkerMetrics.IN_FLIGHT, () -> inFlight);
    metrics.gauge(WorkerMetrics.IN_FLIGHT_BYTES, () -> inFlightBytes);
    metrics.gauge(WorkerMetrics.PAUSED_PARTITIONS, () -> pausedCount);
    metrics.gauge(WorkerMetrics.ASSIGNED_PARTITIONS, () -> assignedCount);
    metrics.gauge(WorkerMetrics.CONSUMER_LAG, () -> lag);
    metrics.gauge(WorkerMetrics.IN_FLIGHT_MAX, () -> maxSeenInFlight);
    metrics.gauge(WorkerMetrics.PAUSES, () -> pauses);
    metrics.gauge(WorkerMetrics.RESUMES, () -> resumes);
  }

  /** The worker's consumer defaults; user settings override them. */
  public static Map<String, Object> defaults(int maxInFlight) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    d.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    d.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    d.put(
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
        Integer.toString(Math.max(1, Math.min(500, maxInFlight / 4))));
    return d;
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
    Long epoch = epochs.get(new TopicPartition(record.topic(), record.partition()));
    return epoch != null && epoch == record.epoch();
  }

  /** Records in flight now (completed ones excluded, abandoned ones included until they drain). */
  public int inFlight() {
    return inFlight;
  }

  /** Closes the consumer when the loop never ran (a worker that failed to start). */
  public void closeUnstarted() {
    closeQuietly();
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      groupMetadata = consumer.groupMetadata();
      while (!stopping && !failure.failed()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(paused ? PAUSED_POLL : POLL);
        groupMetadata = consumer.groupMetadata();
        long now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          Long last = lastRegistered.get(tp);
          if (last != null && r.offset() <= last) {
            reset(tp, r.offset(), last);
          }
          lastRegistered.put(tp, r.offset());
          InputRecord in = toInput(r, now, epochs.getOrDefault(tp, -1L));
          tracker.register(tp, r.offset(), in.sizeInBytes());
          metrics.recordsIn.mark();
          downstream.accept(in);
        }
        sampleInFlight();
        drainCompletions();
        applyBackpressure();
        maybeCommit(false);
        maybeUpdateLag();
      }
      shutdown();
    } catch (Throwable e) {
      failure.fail("poll loop", e);
      closeQuietly();
    }
  }

  /** The partition's offsets went back (a reset after truncation): start a new epoch. */
  private void reset(TopicPartition tp, long offset, long last) {
    LOG.warn(
        "{} went back from offset {} to {} (offset reset); its earlier records are abandoned",
        tp,
        last,
        offset);
    abandoned += tracker.forget(tp);
    positions.remove(tp);
    committed.remove(tp);
    if (epochs.containsKey(tp)) {
      epochs.put(tp, ++nextEpoch);
    }
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
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    drainCompletions();
    while (tracker.inFlight() > 0 && System.nanoTime() < deadline && !failure.failed()) {
      consumer.poll(POLL);
      groupMetadata = consumer.groupMetadata();
      drainCompletions();
      maybeCommit(false);
    }
    drainCompletions();
    if (tracker.inFlight() > 0) {
      LOG.warn(
          "{} records still in flight at shutdown; they stay uncommitted and will be processed again",
          tracker.inFlight());
    }
    // Whatever is still in the pipeline now belongs to no one: skip its outputs.
    epochs.clear();
    maybeCommit(true);
    closing = true;
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    } catch (RuntimeException e) {
      LOG.warn("Closing the consumer failed: {}", e.toString());
    }
  }

  private static InputRecord toInput(ConsumerRecord<byte[], byte[]> r, long now, long epoch) {
    List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
    for (Header h : r.headers()) {
      headers.add(new java.util.AbstractMap.SimpleImmutableEntry<>(h.key(), h.value()));
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
      Long epoch = epochs.get(tp);
      if (epoch != null && epoch == r.epoch()) {
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
    boolean overCount = n + maxPollRecords > settings.maxInFlight();
    boolean overBytes = tracker.inFlightBytes() >= settings.maxInFlightBytes();
    if (!paused && (overCount || overBytes)) {
      pauseAll();
      pauses++;
      LOG.debug("Paused: {} records, {} bytes in flight", n, tracker.inFlightBytes());
    } else if (paused
        && !stopping
        && !overCount
        && n <= settings.resumeBelow()
        && tracker.inFlightBytes() < settings.maxInFlightBytes() / 2) {
      consumer.resume(consumer.paused());
      paused = false;
      pausedCount = 0;
      resumes++;
      LOG.debug("Resumed: {} records in flight", n);
    }
  }

  private void pauseAll() {
    consumer.pause(consumer.assignment());
    paused = true;
    pausedCount = consumer.paused().size();
  }

  /**
   * Commits positions that advanced. Asynchronous commits only record success in their callback
   * (which runs on this thread inside poll), so a failed one is simply sent again next time.
   */
  private void maybeCommit(boolean sync) {
    if (settings.exactlyOnce()) {
      return;
    }
    long now = System.nanoTime();
    if (!sync && now - lastCommitNanos < settings.commitInterval().toNanos()) {
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
        consumer.commitSync(offsets, Duration.ofSeconds(10));
        offsets.forEach((tp, om) -> committed.put(tp, om.offset()));
      } catch (RuntimeException e) {
        LOG.warn(
            "Commit of {} failed: {}; those records will be processed again",
            offsets,
            e.toString());
      }
    } else {
      consumer.commitAsync(
          offsets,
          (done, error) -> {
            if (error != null) {
              LOG.warn(
                  "Asynchronous commit failed ({}); the next commit sends it again",
                  error.toString());
            } else {
              done.forEach((tp, om) -> committed.merge(tp, om.offset(), Math::max));
            }
          });
    }
  }

  private void maybeUpdateLag() {
    long now = System.nanoTime();
    if (now - lastLagNanos < 1_000_000_000L) {
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
    epochs.remove(tp);
    abandoned += tracker.forget(tp);
    positions.remove(tp);
    committed.remove(tp);
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
        long deadline = System.nanoTime() + revokeWait.toNanos();
        drainCompletions();
        while (tracker.inFlight(revoked) > 0 && System.nanoTime() < deadline && !failure.failed()) {
          try {
            Thread.sleep(10);
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
        maybeCommit(true);
      }
      for (TopicPartition tp : revoked) {
        endEpoch(tp);
      }
      sampleInFlight();
      assignedCount = consumer.assignment().size() - revoked.size();
      LOG.info("Revoked {}", revoked);
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
        epochs.put(tp, ++nextEpoch);
      }
      if (paused && !partitions.isEmpty()) {
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
