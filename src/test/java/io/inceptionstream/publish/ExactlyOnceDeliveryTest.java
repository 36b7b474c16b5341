package io.inceptionstream.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.Clock;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.metrics.WorkerMetrics;
import io.inceptionstream.testing.Items;
import io.inceptionstream.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExactlyOnceDeliveryTest {

  private static final String GROUP = "workers";

  private final ManualClock clock = new ManualClock();
  private final Outcomes.RecordingSink sink = new Outcomes.RecordingSink();
  private final Outcomes.Revocable ownership = new Outcomes.Revocable();
  private final Failure failure = new Failure();
  private final WorkerMetrics metrics = new WorkerMetrics(new MetricRegistry());

  /** The consumer's generation as the poll thread last saw it. */
  private final AtomicInteger consumerGeneration = new AtomicInteger(1);

  private final List<ConsumerGroupMetadata> metadataRead = new ArrayList<>();

  private ConsumerGroupMetadata groupMetadata() {
    ConsumerGroupMetadata m =
        new ConsumerGroupMetadata(GROUP, consumerGeneration.get(), "member-1", Optional.empty());
    metadataRead.add(m);
    return m;
  }

  private ExactlyOnceDelivery delivery(MockProducer<byte[], byte[]> producer, Clock clock) {
    producer.initTransactions();
    return new ExactlyOnceDelivery(
        producer,
        new ItemRecords(Outcomes.outputs(), Outcomes.TOPICS, clock),
        new Completions(sink, metrics, clock),
        ownership,
        this::groupMetadata,
        failure,
        clock);
  }

  private ExactlyOnceDelivery delivery(MockProducer<byte[], byte[]> producer) {
    return delivery(producer, clock);
  }

  private static TopicPartition images(int partition) {
    return new TopicPartition("images", partition);
  }

  @Test
  void aBatchIsOneTransactionOfItsOutputsAndTheOffsetsPastThem() throws Exception {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    Item a = Items.ready(0, 5);
    Item b = Items.rejected(1, 3);
    Item c = Items.ready(0, 7);
    delivery(producer).publish(Outcomes.ran(0, a, b, c));

    assertEquals(1, producer.commitCount());
    assertEquals(2 * Outcomes.OUTPUTS_PER_IMAGE + 1, producer.history().size());
    assertEquals(
        List.of(
            Map.of(
                GROUP,
                Map.of(images(0), new OffsetAndMetadata(8), images(1), new OffsetAndMetadata(4)))),
        producer.consumerGroupOffsetsHistory(),
        "the offsets past the last item of each partition, with the consumer's metadata");
    assertEquals(List.of(a.source(), b.source(), c.source()), sink.completed);
    assertEquals(2, metrics.recordsPredicted.getCount());
    assertEquals(1, metrics.recordsDeadLettered.getCount());
    assertFalse(failure.failed());
  }

  @Test
  void inputsCompleteOnlyWhenTheTransactionCommits() throws Exception {
    // Sends are never acknowledged one by one here: the commit flushes them.
    CommitWatchingProducer producer = new CommitWatchingProducer();
    producer.beforeCommit = () -> assertTrue(sink.completed.isEmpty(), "completed before commit");
    Item a = Items.ready(0, 1);
    delivery(producer).publish(Outcomes.ran(0, a));

    assertEquals(1, producer.commitCount());
    assertEquals(List.of(a.source()), sink.completed);
  }

  @Test
  void anAbortedTransactionIsRetriedWithFreshGroupMetadataAndCommittedOnce() throws Exception {
    RebalancingProducer producer = new RebalancingProducer();
    // The group rebalanced: the coordinator is at generation 2 and this worker lost partition 1,
    // but the poll thread learns of it only while the publisher backs off.
    producer.groupGeneration = 2;
    Clock backOffSeesTheRebalance =
        new Clock() {
          @Override
          public long nanoTime() {
            return clock.nanoTime();
          }

          @Override
          public long currentTimeMillis() {
            return clock.currentTimeMillis();
          }

          @Override
          public void sleep(Duration duration) {
            clock.sleep(duration);
            ownership.revoked.add(1);
            consumerGeneration.set(2);
          }
        };
    Item kept = Items.ready(0, 10);
    Item moved = Items.ready(1, 20);
    Item keptReject = Items.rejected(0, 11);
    delivery(producer, backOffSeesTheRebalance).publish(Outcomes.ran(0, kept, moved, keptReject));

    assertFalse(failure.failed());
    assertEquals(1, producer.aborts, "the first attempt was aborted");
    assertEquals(1, producer.commitCount(), "committed once");
    assertEquals(
        List.of(1, 2),
        metadataRead.stream().map(ConsumerGroupMetadata::generationId).toList(),
        "group metadata read afresh for the retry");
    assertEquals(Duration.ofMillis(200), Duration.ofNanos(clock.nanoTime()), "one back-off");

    List<ProducerRecord<byte[], byte[]>> committed = producer.history();
    assertEquals(
        Outcomes.OUTPUTS_PER_IMAGE + 1,
        committed.size(),
        "only the retry's outputs, and none of the moved item's: " + committed);
    assertEquals(
        List.of(Map.of(GROUP, Map.of(images(0), new OffsetAndMetadata(12)))),
        producer.consumerGroupOffsetsHistory(),
        "offsets committed once, none for the partition that moved");
    assertEquals(
        List.of(kept.source(), moved.source(), keptReject.source()),
        sink.completed,
        "each input completes once");
    assertEquals(1, metrics.recordsPredicted.getCount(), "the moved item is not counted");
    assertEquals(1, metrics.recordsDeadLettered.getCount());
  }

  @Test
  void aTransactionThatKeepsFailingIsFatalAfterFiveAttemptsWithGrowingBackOff() throws Exception {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    producer.commitTransactionException = new TimeoutException("coordinator unavailable");
    Item a = Items.ready(0, 1);
    delivery(producer).publish(Outcomes.ran(0, a));

    assertTrue(failure.failed());
    assertTrue(
        failure.cause().getMessage().contains("after 5 attempts"), failure.cause().getMessage());
    assertEquals(
        Duration.ofMillis(200 + 400 + 600 + 800),
        Duration.ofNanos(clock.nanoTime()),
        "200 ms times the attempt between attempts, none after the last");
    assertEquals(5, metadataRead.size());
    assertTrue(producer.transactionAborted());
    assertTrue(producer.history().isEmpty());
    assertTrue(producer.consumerGroupOffsetsHistory().isEmpty());
    assertTrue(sink.completed.isEmpty());
  }

  @Test
  void aFencedProducerIsFatalAtOnceAndCompletesNothing() throws Exception {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    ExactlyOnceDelivery delivery = delivery(producer);
    producer.fenceProducer();
    delivery.publish(Outcomes.ran(0, Items.ready(0, 1), Items.rejected(0, 2)));

    assertTrue(failure.failed());
    assertInstanceOf(ProducerFencedException.class, failure.cause().getCause());
    assertEquals(0, clock.nanoTime(), "no retry");
    assertTrue(producer.history().isEmpty());
    assertTrue(sink.completed.isEmpty());
  }

  static Stream<KafkaException> errorsTheProducerCannotRecoverFrom() {
    return Stream.of(
        new ProducerFencedException("fenced"),
        new OutOfOrderSequenceException("out of order"),
        new AuthorizationException("not allowed"),
        new UnsupportedVersionException("too old"));
  }

  @ParameterizedTest
  @MethodSource("errorsTheProducerCannotRecoverFrom")
  void anUnrecoverableCommitErrorIsFatalWithoutRetrying(KafkaException error) throws Exception {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    producer.commitTransactionException = error;
    delivery(producer).publish(Outcomes.ran(0, Items.ready(0, 1)));

    assertTrue(failure.failed());
    assertEquals(error, failure.cause().getCause());
    assertEquals(1, metadataRead.size(), "one attempt");
    assertEquals(0, clock.nanoTime(), "no back-off");
    assertEquals(0, producer.commitCount());
    assertTrue(producer.history().isEmpty());
    assertTrue(sink.completed.isEmpty());
  }

  @Test
  void itemsOfAPartitionNoLongerOwnedAreLeftOutOfTheTransactionAndCompletedWithoutOutputs()
      throws Exception {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    ownership.revoked.add(1);
    Item moved = Items.ready(1, 4);
    Item kept = Items.ready(0, 4);
    Item movedReject = Items.rejected(1, 5);
    delivery(producer).publish(Outcomes.ran(0, moved, kept, movedReject));

    assertEquals(Outcomes.OUTPUTS_PER_IMAGE, producer.history().size());
    assertEquals(
        List.of(Map.of(GROUP, Map.of(images(0), new OffsetAndMetadata(5)))),
        producer.consumerGroupOffsetsHistory());
    assertEquals(List.of(moved.source(), kept.source(), movedReject.source()), sink.completed);
    assertEquals(1, metrics.recordsPredicted.getCount());
    assertEquals(0, metrics.recordsDeadLettered.getCount());
  }

  @Test
  void aBatchWithNoOwnedItemCommitsAnEmptyTransactionWithoutOffsets() throws Exception {
    MockProducer<byte[], byte[]> producer = Outcomes.producer();
    ownership.revoked.add(0);
    Item a = Items.ready(0, 1);
    delivery(producer).publish(Outcomes.ran(0, a));

    assertEquals(1, producer.commitCount());
    assertFalse(producer.sentOffsets());
    assertTrue(metadataRead.isEmpty(), "no offsets, so no group metadata needed");
    assertTrue(producer.history().isEmpty());
    assertEquals(List.of(a.source()), sink.completed);
  }

  /** A mock producer that runs a check just before each commit. */
  static final class CommitWatchingProducer extends MockProducer<byte[], byte[]> {
    Runnable beforeCommit = () -> {};

    CommitWatchingProducer() {
      super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void commitTransaction() {
      beforeCommit.run();
      super.commitTransaction();
    }
  }

  /**
   * A mock producer in front of a group coordinator: offsets sent with an older generation than the
   * group's are refused when the transaction commits, as the broker does after a rebalance.
   */
  static final class RebalancingProducer extends MockProducer<byte[], byte[]> {
    int groupGeneration = 1;
    int aborts;
    private ConsumerGroupMetadata offsetsSentWith;

    RebalancingProducer() {
      super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void sendOffsetsToTransaction(
        Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata metadata) {
      super.sendOffsetsToTransaction(offsets, metadata);
      offsetsSentWith = metadata;
    }

    @Override
    public void commitTransaction() {
      if (offsetsSentWith != null && offsetsSentWith.generationId() < groupGeneration) {
        throw new CommitFailedException(
            "generation " + offsetsSentWith.generationId() + " is stale: " + groupGeneration);
      }
      offsetsSentWith = null;
      super.commitTransaction();
    }

    @Override
    public void abortTransaction() {
      aborts++;
      offsetsSentWith = null;
      super.abortTransaction();
    }
  }
}
