package io.inceptionstream.publish;

import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka records of one item's outputs, shared by both delivery modes: a dead letter for a
 * rejected item, else its prediction and one embedding per tap. Stateless and thread-safe.
 */
final class ItemRecords {

  private final OutputRecords outputs;
  private final Publisher.Topics topics;
  private final Clock clock;

  /**
   * @param clock stamps predictions ({@code publishedAt}) and dead letters
   */
  ItemRecords(OutputRecords outputs, Publisher.Topics topics, Clock clock) {
    this.outputs = outputs;
    this.topics = topics;
    this.clock = clock;
  }

  /**
   * The records to send for {@code item}; empty for a ready item that did not run ({@code row <
   * 0}).
   *
   * @param row the item's row in {@code outcome.result()}, or -1
   */
  List<ProducerRecord<byte[], byte[]>> of(Item item, BatchOutcome outcome, int row) {
    long now = clock.currentTimeMillis();
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(2);
    if (!item.isReady()) {
      out.add(record(topics.deadLetter(), outputs.deadLetter(item, now)));
      return out;
    }
    if (row < 0) {
      return out;
    }
    out.add(
        record(
            topics.predictions(),
            outputs.prediction(item, outcome.result(), row, outcome.inferredAt(), now)));
    for (OutputRecords.Output e : outputs.embeddings(item, outcome.result(), row)) {
      out.add(record(topics.embeddings(), e));
    }
    return out;
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, OutputRecords.Output o) {
    RecordHeaders headers = new RecordHeaders();
    for (Map.Entry<String, byte[]> h : o.headers()) {
      headers.add(new RecordHeader(h.getKey(), h.getValue()));
    }
    // Partition and timestamp are left to the producer (by key; its send time), as they always
    // were: the injected clock only stamps the values.
    return new ProducerRecord<>(topic, null, o.key(), o.value(), headers);
  }
}
