package io.inceptionstream.ingest;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The configuration of the worker's consumer, and the two limits the poll loop derives from it: the
 * worker's defaults under the user's settings, with what the loop relies on forced on top (no
 * auto-commit, byte-array deserializers, {@code max.poll.records} at most a quarter of the
 * in-flight bound). Immutable.
 *
 * @param properties the settings to create the consumer with
 * @param maxPollRecords the effective {@code max.poll.records}, the most one poll can return
 * @param revokeWait how long revocation waits for in-flight records: the drain timeout, kept within
 *     0.8 × {@code max.poll.interval.ms} because the wait runs inside poll()
 */
public record ConsumerProperties(
    Map<String, Object> properties, int maxPollRecords, Duration revokeWait) {

  public ConsumerProperties {
    if (properties == null) {
      throw new IllegalArgumentException("Consumer properties must not be null");
    }
    if (maxPollRecords < 1) {
      throw new IllegalArgumentException(
          "Invalid value "
              + maxPollRecords
              + " for configuration "
              + ConsumerConfig.MAX_POLL_RECORDS_CONFIG
              + ": must be at least 1");
    }
    if (revokeWait == null || revokeWait.isNegative()) {
      throw new IllegalArgumentException(
          "Invalid revocation wait " + revokeWait + ": must be zero or more");
    }
    // Not Map.copyOf: user settings may carry null values, which the consumer itself judges.
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /**
   * The worker's consumer: {@link #defaults}, then {@code user} (bootstrap servers, group, user
   * overrides), then what the poll loop needs regardless.
   *
   * @param maxInFlight the in-flight bound; {@code max.poll.records} is clamped to a quarter of it
   * @param drainTimeout how long revocation may wait for in-flight records, before the clamp
   */
  public static ConsumerProperties of(
      int maxInFlight, Duration drainTimeout, Map<String, Object> user) {
    Map<String, Object> props = new LinkedHashMap<>(defaults(maxInFlight));
    props.putAll(user);
    // The loop commits itself, after completion; auto-commit would commit records still in flight.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    int requested =
        Integer.parseInt(String.valueOf(props.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)));
    // Partitions pause when one more poll would pass the bound: a poll must be a small part of it.
    int maxPollRecords = Math.max(1, Math.min(requested, Math.max(1, maxInFlight / 4)));
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
    long maxPollInterval =
        Long.parseLong(
            String.valueOf(
                props.getOrDefault(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "300000")));
    // The revocation wait runs inside poll(): keep it well inside max.poll.interval.ms.
    Duration revokeWait =
        Duration.ofMillis(Math.min(drainTimeout.toMillis(), maxPollInterval * 8 / 10));
    return new ConsumerProperties(props, maxPollRecords, revokeWait);
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
}
