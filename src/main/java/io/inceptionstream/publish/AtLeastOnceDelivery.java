package io.inceptionstream.publish;

import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.lifecycle.Ownership;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * At-least-once delivery: sends are asynchronous, and an input completes when the broker has
 * acknowledged the last of its outputs; a failed send is fatal and its input never completes, so
 * its offset is never committed. {@link #publish} runs on the publisher thread; the send callbacks
 * run on the producer's I/O thread and only count acknowledgements and complete inputs.
 */
final class AtLeastOnceDelivery implements DeliveryStrategy {

  private final Producer<byte[], byte[]> producer;
  private final ItemRecords records;
  private final Completions completions;
  private final Ownership ownership;
  private final Failure failure;

  AtLeastOnceDelivery(
      Producer<byte[], byte[]> producer,
      ItemRecords records,
      Completions completions,
      Ownership ownership,
      Failure failure) {
    this.producer = producer;
    this.records = records;
    this.completions = completions;
    this.ownership = ownership;
    this.failure = failure;
  }

  @Override
  public void publish(BatchOutcome outcome) {
    List<Item> items = outcome.batch().items();
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      if (!ownership.owns(item.source())) {
        // Another worker owns this partition now; its outputs would only be duplicates.
        completions.skipped(item);
        continue;
      }
      List<ProducerRecord<byte[], byte[]>> out = records.of(item, outcome, outcome.rows()[i]);
      if (out.isEmpty()) {
        completions.skipped(item);
        continue;
      }
      // A failed output never counts down, so an item with one failed send never completes.
      AtomicInteger pending = new AtomicInteger(out.size());
      for (ProducerRecord<byte[], byte[]> r : out) {
        producer.send(
            r,
            (md, ex) -> {
              if (ex != null) {
                failure.fail(
                    "sending output of " + item.source().position() + " to " + r.topic(), ex);
              } else if (pending.decrementAndGet() == 0) {
                completions.delivered(item);
              }
            });
      }
    }
  }
}
