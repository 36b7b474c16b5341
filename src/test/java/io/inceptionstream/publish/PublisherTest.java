package io.inceptionstream.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.metrics.WorkerMetrics;
import io.inceptionstream.testing.Items;
import io.inceptionstream.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class PublisherTest {

  private final BlockingQueue<BatchOutcome> queue = new LinkedBlockingQueue<>();
  private final Failure failure = new Failure();
  private final MockProducer<byte[], byte[]> producer = Outcomes.producer();
  private final List<Long> published = new ArrayList<>();

  /** Records the batches it is given. */
  private final DeliveryStrategy recording = o -> published.add(o.batch().sequence());

  @Test
  void handsBatchesToTheStrategyInSequenceOrderWhateverOrderTheyArriveIn() {
    for (long s : new long[] {3, 1, 0, 4, 2}) {
      queue.add(Outcomes.notRun(s));
    }
    Publisher publisher = new Publisher(queue, producer, recording, failure);
    publisher.stop();
    publisher.run();

    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), published);
    assertTrue(queue.isEmpty());
    assertFalse(failure.failed());
  }

  @Test
  void publishesNothingMoreOnceAFatalErrorIsRecorded() {
    queue.add(Outcomes.notRun(1));
    queue.add(Outcomes.notRun(0));
    DeliveryStrategy failsTheFirst =
        o -> {
          published.add(o.batch().sequence());
          failure.fail("test", new IllegalStateException("broken"));
        };
    Publisher publisher = new Publisher(queue, producer, failsTheFirst, failure);
    publisher.stop();
    publisher.run();

    assertEquals(List.of(0L), published);
  }

  @Test
  void anExceptionFromTheStrategyIsRecordedAsFatal() {
    queue.add(Outcomes.notRun(0));
    queue.add(Outcomes.notRun(1));
    IllegalStateException bug = new IllegalStateException("bug");
    DeliveryStrategy throwing =
        o -> {
          published.add(o.batch().sequence());
          throw bug;
        };
    Publisher publisher = new Publisher(queue, producer, throwing, failure);
    publisher.run();

    assertTrue(failure.failed());
    assertEquals(bug, failure.cause().getCause());
    assertEquals(List.of(0L), published);
  }

  @Test
  void aBatchThatArrivesTwiceIsFatalRatherThanHeldForever() {
    queue.add(Outcomes.notRun(0));
    queue.add(Outcomes.notRun(0));
    Publisher publisher = new Publisher(queue, producer, recording, failure);
    publisher.stop();
    publisher.run();

    assertTrue(failure.failed());
    assertEquals(List.of(0L), published);
  }

  @Test
  void atLeastOnceWritesBatchesInOrderWithTheGivenProducerAndClock() throws Exception {
    Outcomes.RecordingSink sink = new Outcomes.RecordingSink();
    Item first = Items.ready(0, 1);
    Item second = Items.rejected(0, 2);
    queue.add(Outcomes.ran(1, second));
    queue.add(Outcomes.ran(0, first));
    Publisher publisher = publisher(false, sink);
    publisher.stop();
    publisher.run();

    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    assertEquals(Outcomes.OUTPUTS_PER_IMAGE + 1, sent.size());
    assertEquals("predictions", sent.get(0).topic(), "batch 0 first");
    assertEquals("dead-letters", sent.get(sent.size() - 1).topic());
    assertEquals(
        5000L,
        WireFormat.decodePrediction(sent.get(0).value())
            .getTimings()
            .getPublished()
            .toEpochMilli());
    assertTrue(sink.completed.isEmpty(), "nothing acknowledged yet");
    publisher.flush();
    assertEquals(List.of(first.source(), second.source()), sink.completed);
    publisher.close();
    assertTrue(producer.closed());
  }

  @Test
  void exactlyOnceCommitsOneTransactionPerBatch() {
    Outcomes.RecordingSink sink = new Outcomes.RecordingSink();
    producer.initTransactions();
    queue.add(Outcomes.ran(1, Items.ready(0, 2)));
    queue.add(Outcomes.ran(0, Items.ready(0, 1)));
    Publisher publisher = publisher(true, sink);
    publisher.stop();
    publisher.run();

    assertEquals(2, producer.commitCount());
    assertEquals(2, sink.completed.size());
    assertEquals(1L, sink.completed.get(0).offset());
    assertEquals(2L, sink.completed.get(1).offset());
  }

  @Test
  void producerSettingsAreTheDefaultsThenTheUsersThenWhatThePublisherReliesOn() {
    Map<String, Object> user =
        Map.of(
            ProducerConfig.LINGER_MS_CONFIG, "50",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092");

    Map<String, Object> atLeastOnce = Publisher.producerProperties(user, null);
    assertEquals("50", atLeastOnce.get(ProducerConfig.LINGER_MS_CONFIG), "user overrides");
    assertEquals("all", atLeastOnce.get(ProducerConfig.ACKS_CONFIG), "default kept");
    assertEquals("lz4", atLeastOnce.get(ProducerConfig.COMPRESSION_TYPE_CONFIG));
    assertEquals("broker:9092", atLeastOnce.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals("true", atLeastOnce.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), "forced");
    assertEquals(
        ByteArraySerializer.class.getName(),
        atLeastOnce.get(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG));
    assertEquals(
        ByteArraySerializer.class.getName(),
        atLeastOnce.get(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG));
    assertFalse(atLeastOnce.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
    assertEquals(Publisher.defaults().size() + 4, atLeastOnce.size(), "nothing else added");

    Map<String, Object> exactlyOnce = Publisher.producerProperties(user, "worker-1-tx");
    assertEquals("worker-1-tx", exactlyOnce.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
  }

  private Publisher publisher(boolean exactlyOnce, Outcomes.RecordingSink sink) {
    return Publisher.create(
        queue,
        producer,
        exactlyOnce,
        Outcomes.outputs(),
        Outcomes.TOPICS,
        sink,
        failure,
        new WorkerMetrics(new MetricRegistry()),
        () -> new ConsumerGroupMetadata("workers", 1, "member-1", Optional.empty()),
        r -> true,
        new ManualClock(5000L));
  }
}
