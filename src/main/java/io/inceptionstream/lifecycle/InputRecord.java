package io.inceptionstream.lifecycle;

import java.util.List;
import java.util.Map;

/**
 * One polled input record, detached from Kafka's types so that later stages need no Kafka imports.
 * Immutable (the byte arrays are not copied and must not be modified).
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 * @param key record key, or null
 * @param value record value, or null for a tombstone
 * @param headers record headers in order
 * @param kafkaTimestamp the record's Kafka timestamp (epoch ms)
 * @param polledAt when the worker polled it (epoch ms)
 * @param epoch the assignment epoch of its partition when polled (see {@link Ownership})
 */
public record InputRecord(
    String topic,
    int partition,
    long offset,
    byte[] key,
    byte[] value,
    List<Map.Entry<String, byte[]>> headers,
    long kafkaTimestamp,
    long polledAt,
    long epoch) {

  /** A record outside any assignment epoch (tests, tools). */
  public InputRecord(
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      List<Map.Entry<String, byte[]>> headers,
      long kafkaTimestamp,
      long polledAt) {
    this(topic, partition, offset, key, value, headers, kafkaTimestamp, polledAt, 0);
  }

  /** Encoded size, used for the in-flight byte bound. */
  public long sizeInBytes() {
    long size = 64 + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    for (Map.Entry<String, byte[]> h : headers) {
      size += h.getKey().length() + (h.getValue() == null ? 0 : h.getValue().length);
    }
    return size;
  }

  /** The last value of a header, or null. */
  public byte[] header(String name) {
    byte[] found = null;
    for (Map.Entry<String, byte[]> h : headers) {
      if (h.getKey().equals(name)) {
        found = h.getValue();
      }
    }
    return found;
  }

  /** {@code topic-partition@offset}, for messages. */
  public String position() {
    return topic + "-" + partition + "@" + offset;
  }
}
