package io.inceptionstream.publish;

import io.inceptionstream.lifecycle.Clock;
import io.inceptionstream.lifecycle.CompletionSink;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.lifecycle.Ownership;
import io.inceptionstream.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The publisher thread: takes batch outcomes, puts them back in batch order ({@link Sequencer}),
 * and hands each batch to its {@link DeliveryStrategy}, which writes every item's outputs with the
 * one shared producer — a prediction and one embedding per tap for a classified image, a dead
 * letter for a rejected record. At least once ({@link AtLeastOnceDelivery}): an input completes
 * when the broker acknowledged all its outputs. Exactly once ({@link ExactlyOnceDelivery}): each
 * batch is one transaction with the consumer offsets past it, and its inputs complete when it
 * commits. A fatal error is recorded in {@link Failure} and stops the loop. {@link #run()} on the
 * publisher thread; {@link #stop()} and {@link #closeNow()} from any thread; {@link #flush()} and
 * {@link #close()} once {@code run()} has returned.
 */
public final class Publisher implements Runnable, AutoCloseable {

  /** Output topic names. */
  public record Topics(String predictions, String embeddings, String deadLetter) {}

  private final BlockingQueue<BatchOutcome> input;
  private final Producer<byte[], byte[]> producer;
  private final DeliveryStrategy delivery;
  private final Failure failure;
  private final Sequencer sequencer = new Sequencer();
  private volatile boolean stopped;

  /**
   * A publisher around a producer it now owns (it flushes and closes it).
   *
   * @param delivery how batches reach {@code producer}
   */
  Publisher(
      BlockingQueue<BatchOutcome> input,
      Producer<byte[], byte[]> producer,
      DeliveryStrategy delivery,
      Failure failure) {
    this.input = input;
    this.producer = producer;
    this.delivery = delivery;
    this.failure = failure;
  }

  /**
   * The worker's publisher: a {@link KafkaProducer} with {@link #producerProperties}, transactional
   * and initialised when {@code transactionalId} is set, on the system clock.
   *
   * @param producerProperties merged producer settings (bootstrap servers and user overrides)
   * @param transactionalId non-null for exactly-once
   * @param groupMetadata the consumer's current group metadata (exactly-once only)
   */
  public static Publisher create(
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
    Producer<byte[], byte[]> producer =
        new KafkaProducer<>(producerProperties(producerProperties, transactionalId));
    if (transactionalId != null) {
      // Fences any earlier instance with this transactional id and aborts its open transaction.
      producer.initTransactions();
    }
    return create(
        input,
        producer,
        transactionalId != null,
        outputs,
        topics,
        sink,
        failure,
        metrics,
        groupMetadata,
        ownership,
        Clock.SYSTEM);
  }

  /**
   * A publisher around a ready producer (for exactly-once: transactional, {@code
   * initTransactions()} called), so tests can hand in Kafka's {@code MockProducer} and a manual
   * clock.
   */
  static Publisher create(
      BlockingQueue<BatchOutcome> input,
      Producer<byte[], byte[]> producer,
      boolean exactlyOnce,
      OutputRecords outputs,
      Topics topics,
      CompletionSink sink,
      Failure failure,
      WorkerMetrics metrics,
      Supplier<ConsumerGroupMetadata> groupMetadata,
      Ownership ownership,
      Clock clock) {
    ItemRecords records = new ItemRecords(outputs, topics, clock);
    Completions completions = new Completions(sink, metrics, clock);
    DeliveryStrategy delivery =
        exactlyOnce
            ? new ExactlyOnceDelivery(
                producer, records, completions, ownership, groupMetadata, failure, clock)
            : new AtLeastOnceDelivery(producer, records, completions, ownership, failure);
    return new Publisher(input, producer, delivery, failure);
  }

  /**
   * The producer settings: {@link #defaults()}, then the user's, then what the publisher relies on
   * (byte-array serializers, idempotence, the transactional id for exactly-once).
   */
  static Map<String, Object> producerProperties(
      Map<String, Object> producerProperties, String transactionalId) {
    Map<String, Object> props = new HashMap<>(defaults());
    props.putAll(producerProperties);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    if (transactionalId != null) {
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return props;
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
        BatchOutcome next = sequencer.poll();
        if (next != null) {
          delivery.publish(next);
          continue;
        }
        // Checked before waiting, so that a stopped publisher with nothing left returns at once;
        // one still missing a batch keeps waiting for it (the worker's join gives up in time).
        if (stopped && input.isEmpty() && sequencer.isEmpty()) {
          return;
        }
        BatchOutcome o = input.poll(100, TimeUnit.MILLISECONDS);
        if (o != null) {
          sequencer.offer(o);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      failure.fail("publisher", e);
    }
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
