package io.inceptionstream.publish;

import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.CompletionSink;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.lifecycle.Ownership;
import io.inceptionstream.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher thread: takes batch outcomes, puts them back in batch order, and writes every
 * item's outputs with the one shared producer — a prediction and one embedding per tap for a
 * classified image, a dead letter for a rejected record. At least once: sends are asynchronous and
 * an input counts as complete when the broker acknowledged all its outputs (the producer's
 * callbacks only record that). Exactly once: each batch is one transaction holding its outputs and
 * the consumer offsets past it ({@code sendOffsetsToTransaction}), and its inputs complete when the
 * transaction commits. A send or transaction failure is fatal: it is recorded in {@link Failure}
 * and nothing past the failed record is completed.
 */
public final class Publisher implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  private static final int MAX_TRANSACTION_ATTEMPTS = 5;

  /** Output topic names. */
  public record Topics(String predictions, String embeddings, String deadLetter) {}

  private final BlockingQueue<BatchOutcome> input;
  private final Producer<byte[], byte[]> producer;
  private final OutputRecords outputs;
  private final Topics topics;
  private final CompletionSink sink;
  private final Failure failure;
  private final WorkerMetrics metrics;
  private final boolean exactlyOnce;
  private final Supplier<ConsumerGroupMetadata> groupMetadata;
  private final Ownership ownership;
  private final Map<Long, BatchOutcome> early = new HashMap<>();
  private long nextSequence;
  private volatile boolean stopped;

  /**
   * @param producerProperties merged producer settings (bootstrap servers and user overrides)
   * @param transactionalId non-null for exactly-once
   * @param groupMetadata the consumer's current group metadata (exactly-once only)
   */
  public Publisher(
      BlockingQueue<BatchOutcome> input,
      Map<String, Object> producerProperties,
      String transactionalId,
      OutputRecords outputs,
      Topics topics,
      CompletionSink sink,
      Failure failure,
      WorkerMetrics metrics,
      Supplier<ConsumerGroupMetadata> groupMetadata,
      Ownership ownership) {
    this.ownership = ownership;
    this.input = input;
    this.outputs = outputs;
    this.topics = topics;
    this.sink = sink;
    this.failure = failure;
    this.metrics = metrics;
    this.exactlyOnce = transactionalId != null;
    this.groupMetadata = groupMetadata;
    Map<String, Object> props = new HashMap<>(defaults());
    props.putAll(producerProperties);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    if (exactlyOnce) {
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    this.producer = new KafkaProducer<>(props);
    if (exactlyOnce) {
      // Fences any earlier instance with this transactional id and aborts its open transaction.
      producer.initTransactions();
    }
  }

  /** The worker's producer defaults; user settings override them. */
  public static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put(ProducerConfig.ACKS_CONFIG, "all");
    d.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    d.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    d.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
    // Ride out a broker restart instead of failing: sends wait up to five minutes.
    d.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
    d.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
    d.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
    return d;
  }

  /** Stops after the outcomes already queued are published. */
  public void stop() {
    stopped = true;
  }

  /** Closes the producer at once, failing any send blocked on a full buffer (fatal teardown). */
  public void closeNow() {
    producer.close(Duration.ZERO);
  }

  @Override
  public void run() {
    try {
      while (!failure.failed()) {
        BatchOutcome next = early.remove(nextSequence);
        if (next == null) {
          BatchOutcome o = input.poll(100, TimeUnit.MILLISECONDS);
          if (o == null) {
            if (stopped && input.isEmpty() && early.isEmpty()) {
              return;
            }
            continue;
          }
          if (o.batch().sequence() != nextSequence) {
            early.put(o.batch().sequence(), o);
            continue;
          }
          next = o;
        }
        nextSequence++;
        if (exactlyOnce) {
          publishTransaction(next);
        } else {
          publishAsync(next);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      failure.fail("publisher", e);
    }
  }

  private void publishAsync(BatchOutcome outcome) {
    List<Item> items = outcome.batch().items();
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      if (!ownership.owns(item.source())) {
        // Another worker owns this partition now; its outputs would only be duplicates.
        sink.completed(item.source());
        continue;
      }
      List<ProducerRecord<byte[], byte[]>> records = records(item, outcome, outcome.rows()[i]);
      if (records.isEmpty()) {
        sink.completed(item.source());
        continue;
      }
      AtomicInteger pending = new AtomicInteger(records.size());
      boolean deadLetter = !item.isReady();
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(
            r,
            (md, ex) -> {
              if (ex != null) {
                failure.fail(
                    "sending output of " + item.source().position() + " to " + r.topic(), ex);
              } else if (pending.decrementAndGet() == 0) {
                done(item.source(), item.createdAt(), deadLetter);
              }
            });
      }
    }
  }

  /**
   * One transaction for the batch: outputs of the items still owned and the offsets past them. A
   * rebalance can make the group metadata stale between polls; the broker then refuses the offsets
   * and the transaction is aborted and tried again with fresh metadata, leaving out items whose
   * partitions moved. Fencing and other fatal errors stop the worker.
   */
  private void publishTransaction(BatchOutcome outcome) throws InterruptedException {
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
          for (ProducerRecord<byte[], byte[]> r : records(item, outcome, outcome.rows()[i])) {
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
        TimeUnit.MILLISECONDS.sleep(200L * attempt);
        continue;
      }
      for (int i = 0; i < items.size(); i++) {
        Item item = items.get(i);
        if (included[i]) {
          done(item.source(), item.createdAt(), !item.isReady());
        } else {
          sink.completed(item.source());
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

  private void done(InputRecord source, long createdAt, boolean deadLetter) {
    (deadLetter ? metrics.recordsDeadLettered : metrics.recordsPredicted).mark();
    metrics.endToEndLatency.update(
        Math.max(0, System.currentTimeMillis() - createdAt), TimeUnit.MILLISECONDS);
    sink.completed(source);
  }

  /**
   * The outputs of one item: a dead letter if it was rejected, else its prediction and embeddings.
   */
  private List<ProducerRecord<byte[], byte[]>> records(Item item, BatchOutcome outcome, int row) {
    long now = System.currentTimeMillis();
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
    return new ProducerRecord<>(topic, null, o.key(), o.value(), headers);
  }

  /** Waits for every send to be acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
