package io.inceptionstream.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.metrics.WorkerMetrics;
import io.inceptionstream.testing.Items;
import io.inceptionstream.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class AtLeastOnceDeliveryTest {

  /** Items.ready stamps every item as created at this time (epoch ms). */
  private static final long CREATED_AT = 1000L;

  private final ManualClock clock = new ManualClock(CREATED_AT);
  private final Outcomes.RecordingSink sink = new Outcomes.RecordingSink();
  private final Outcomes.Revocable ownership = new Outcomes.Revocable();
  private final Failure failure = new Failure();
  private final WorkerMetrics metrics = new WorkerMetrics(new MetricRegistry());

  private AtLeastOnceDelivery delivery(MockProducer<byte[], byte[]> producer) {
    return new AtLeastOnceDelivery(
        producer,
        new ItemRecords(Outcomes.outputs(), Outcomes.TOPICS, clock),
        new Completions(sink, metrics, clock),
        ownership,
        failure);
  }

  @Test
  void anInputCompletesOnlyWhenTheLastOfItsOutputsIsAcknowledged() {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    Item item = Items.ready(0, 4);
    delivery(producer).publish(Outcomes.ran(0, item));
    assertEquals(Outcomes.OUTPUTS_PER_IMAGE, producer.history().size(), "sent at once");

    for (int acked = 1; acked < Outcomes.OUTPUTS_PER_IMAGE; acked++) {
      assertTrue(producer.completeNext());
      assertTrue(sink.completed.isEmpty(), acked + " of its outputs acknowledged: not complete");
    }
    clock.advance(Duration.ofMillis(40));
    assertTrue(producer.completeNext());

    assertEquals(List.of(item.source()), sink.completed);
    assertEquals(1, metrics.recordsPredicted.getCount());
    assertEquals(0, metrics.recordsDeadLettered.getCount());
    assertEquals(
        TimeUnit.MILLISECONDS.toNanos(40),
        metrics.endToEndLatency.getSnapshot().getMax(),
        "latency from creation to the last acknowledgement, on the injected clock");
    assertFalse(failure.failed());
  }

  @Test
  void inputsCompleteInTheOrderTheirLastAcknowledgementsArrive() {
    AnyOrderProducer producer = new AnyOrderProducer();
    Item first = Items.ready(0, 1);
    Item second = Items.ready(1, 1);
    Item third = Items.rejected(2, 1);
    delivery(producer).publish(Outcomes.ran(0, first, second, third));
    int n = Outcomes.OUTPUTS_PER_IMAGE;
    assertEquals(2 * n + 1, producer.history().size());

    // The broker's partitions answer independently: the second image's outputs come back first,
    // the first image's in reverse, the dead letter in between.
    for (int i = 2 * n - 1; i >= n; i--) {
      producer.acknowledge(i);
    }
    assertEquals(List.of(second.source()), sink.completed);
    for (int i = n - 1; i > 0; i--) {
      producer.acknowledge(i);
    }
    producer.acknowledge(2 * n);
    assertEquals(List.of(second.source(), third.source()), sink.completed);
    producer.acknowledge(0);

    assertEquals(List.of(second.source(), third.source(), first.source()), sink.completed);
    assertEquals(2, metrics.recordsPredicted.getCount());
    assertEquals(1, metrics.recordsDeadLettered.getCount());
    assertFalse(failure.failed());
  }

  @Test
  void aFailedSendIsFatalAndItsInputNeverCompletes() {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    Item failing = Items.ready(0, 9);
    Item fine = Items.ready(1, 9);
    delivery(producer).publish(Outcomes.ran(0, failing, fine));

    assertTrue(producer.completeNext());
    assertTrue(producer.errorNext(new RecordTooLargeException("too large")));
    producer.flush(); // acknowledges the failing item's other outputs and all of the other's

    assertTrue(failure.failed());
    assertTrue(
        failure.cause().getMessage().contains("images-0@9"),
        "names the input: " + failure.cause().getMessage());
    assertTrue(failure.cause().getCause() instanceof RecordTooLargeException);
    assertEquals(List.of(fine.source()), sink.completed, "the failed input never completes");
    assertEquals(1, metrics.recordsPredicted.getCount());
  }

  @Test
  void aRejectedRecordIsCountedAsDeadLetteredOnceItsDeadLetterIsAcknowledged() {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    Item rejected = Items.rejected(0, 2);
    delivery(producer).publish(Outcomes.notRun(0, rejected));

    assertEquals(1, producer.history().size());
    assertEquals("dead-letters", producer.history().get(0).topic());
    assertTrue(sink.completed.isEmpty());
    assertTrue(producer.completeNext());
    assertEquals(List.of(rejected.source()), sink.completed);
    assertEquals(1, metrics.recordsDeadLettered.getCount());
    assertEquals(0, metrics.recordsPredicted.getCount());
  }

  @Test
  void itemsOfAPartitionNoLongerOwnedCompleteAtOnceWithoutOutputs() {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    ownership.revoked.add(1);
    Item kept = Items.ready(0, 3);
    Item movedImage = Items.ready(1, 3);
    Item movedReject = Items.rejected(1, 4);
    delivery(producer).publish(Outcomes.ran(0, movedImage, kept, movedReject));

    assertEquals(Outcomes.OUTPUTS_PER_IMAGE, producer.history().size(), "only the owned item's");
    for (ProducerRecord<byte[], byte[]> r : producer.history()) {
      assertTrue(r.topic().equals("predictions") || r.topic().equals("embeddings"), r.topic());
    }
    assertEquals(
        List.of(movedImage.source(), movedReject.source()),
        sink.completed,
        "skipped items complete before any acknowledgement");
    producer.flush();
    assertEquals(List.of(movedImage.source(), movedReject.source(), kept.source()), sink.completed);
    assertEquals(1, metrics.recordsPredicted.getCount(), "skipped items are not counted");
    assertEquals(0, metrics.recordsDeadLettered.getCount());
  }

  @Test
  void anImageThatDidNotRunCompletesWithoutOutputsOrCounting() {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    Item item = Items.ready(0, 1);
    delivery(producer).publish(Outcomes.notRun(0, item));

    assertTrue(producer.history().isEmpty());
    assertEquals(List.of(item.source()), sink.completed);
    assertEquals(0, metrics.recordsPredicted.getCount());
  }

  /**
   * Kafka's {@link MockProducer}, except that the test acknowledges each send by its index in any
   * order, as independent partition leaders do; its own completions stay FIFO. Test thread only.
   */
  static final class AnyOrderProducer extends MockProducer<byte[], byte[]> {

    private final List<Callback> callbacks = new ArrayList<>();

    AnyOrderProducer() {
      super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<byte[], byte[]> record, Callback callback) {
      callbacks.add(callback);
      return super.send(record, null);
    }

    /** Acknowledges the {@code index}th send (0-based), once. */
    void acknowledge(int index) {
      Callback c = callbacks.set(index, null);
      if (c == null) {
        throw new IllegalStateException("send " + index + " was already acknowledged");
      }
      c.onCompletion(new RecordMetadata(new TopicPartition("out", 0), index, 0, -1, 0, 0), null);
    }
  }
}
