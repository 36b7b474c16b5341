package io.inceptionstream.publish;

import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.Clock;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.lifecycle.Ownership;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once delivery: each batch is one transaction holding the outputs of the items still owned
 * and the consumer offsets past them, and those inputs complete when it commits. The producer must
 * be transactional with {@code initTransactions()} already called. Publisher thread only.
 */
final class ExactlyOnceDelivery implements DeliveryStrategy {

  private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceDelivery.class);

  /** Attempts per batch before a retriable transaction error becomes fatal. */
  static final int MAX_TRANSACTION_ATTEMPTS = 5;

  /** Back-off after attempt n is n times this. */
  static final Duration BACK_OFF = Duration.ofMillis(200);

  private final Producer<byte[], byte[]> producer;
  private final ItemRecords records;
  private final Completions completions;
  private final Ownership ownership;
  private final Supplier<ConsumerGroupMetadata> groupMetadata;
  private final Failure failure;
  private final Clock clock;

  /**
   * @param groupMetadata the consumer's current group metadata, read afresh for every attempt
   * @param clock sleeps the back-off between attempts
   */
  ExactlyOnceDelivery(
      Producer<byte[], byte[]> producer,
      ItemRecords records,
      Completions completions,
      Ownership ownership,
      Supplier<ConsumerGroupMetadata> groupMetadata,
      Failure failure,
      Clock clock) {
    this.producer = producer;
    this.records = records;
    this.completions = completions;
    this.ownership = ownership;
    this.groupMetadata = groupMetadata;
    this.failure = failure;
    this.clock = clock;
  }

  /**
   * One transaction for the batch. A rebalance can make the group metadata stale between polls; the
   * broker then refuses the offsets and the transaction is aborted and tried again with fresh
   * metadata, leaving out items whose partitions moved. Fencing and other fatal errors stop the
   * worker.
   */
  @Override
  public void publish(BatchOutcome outcome) throws InterruptedException {
    List<Item> items = outcome.batch().items();
    for (int attempt = 1; ; attempt++) {
      boolean[] included = new boolean[items.size()];
      try {
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
          Item item = items.get(i);
          if (!ownership.owns(item.source())) {
            continue;
          }
          included[i] = true;
          for (ProducerRecord<byte[], byte[]> r : records.of(item, outcome, outcome.rows()[i])) {
            producer.send(r);
          }
          InputRecord s = item.source();
          offsets.merge(
              new TopicPartition(s.topic(), s.partition()),
              new OffsetAndMetadata(s.offset() + 1),
              (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        if (!offsets.isEmpty()) {
          producer.sendOffsetsToTransaction(offsets, groupMetadata.get());
        }
        producer.commitTransaction();
      } catch (ProducerFencedException
          | OutOfOrderSequenceException
          | AuthorizationException
          | UnsupportedVersionException e) {
        failure.fail(
            "transaction of batch "
                + outcome.batch().sequence()
                + " (the producer cannot continue)",
            e);
        return;
      } catch (KafkaException e) {
        abortQuietly();
        if (attempt >= MAX_TRANSACTION_ATTEMPTS) {
          failure.fail(
              "transaction of batch "
                  + outcome.batch().sequence()
                  + " after "
                  + attempt
                  + " attempts",
              e);
          return;
        }
        LOG.info(
            "Transaction of batch {} aborted ({}); trying again with fresh group metadata",
            outcome.batch().sequence(),
            e.toString());
        clock.sleep(BACK_OFF.multipliedBy(attempt));
        continue;
      }
      for (int i = 0; i < items.size(); i++) {
        Item item = items.get(i);
        if (included[i]) {
          completions.delivered(item);
        } else {
          completions.skipped(item);
        }
      }
      return;
    }
  }

  private void abortQuietly() {
    try {
      producer.abortTransaction();
    } catch (RuntimeException abort) {
      LOG.warn("Aborting a failed transaction also failed: {}", abort.toString());
    }
  }
}
