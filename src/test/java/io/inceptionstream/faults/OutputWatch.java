package io.inceptionstream.faults;

import io.inceptionstream.avro.SourcePosition;
import io.inceptionstream.avro.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a scenario's predictions and dead letters from the start, as an output consumer does
 * ({@code read_committed}), on its own thread for the whole scenario, and keeps one entry per
 * output: which input it answers (the source position) and when it was produced (its Kafka
 * timestamp, set by the worker's producer on this machine's clock). Its consumer rides out broker
 * restarts. Thread-safe: the watch thread appends, the test thread reads snapshots.
 */
final class OutputWatch implements AutoCloseable {

  /** One output record: the input position it answers, its kind and its production time. */
  record Output(boolean prediction, int partition, long offset, long timestamp) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String predictions;
  private final List<Output> outputs = new ArrayList<>();
  private final Set<Long> answered = new HashSet<>();
  private final Thread thread;
  private volatile RuntimeException failure;

  OutputWatch(String bootstrap, String predictions, String deadLetters) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.predictions = predictions;
    List<TopicPartition> parts = new ArrayList<>();
    for (String topic : List.of(predictions, deadLetters)) {
      consumer
          .partitionsFor(topic, Duration.ofSeconds(60))
          .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    thread = new Thread(this::run, "fault-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          Output o = parse(r);
          synchronized (this) {
            outputs.add(o);
            answered.add(((long) o.partition() << 40) | o.offset());
          }
        }
      }
    } catch (WakeupException e) {
      // closed
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private Output parse(ConsumerRecord<byte[], byte[]> r) {
    boolean prediction = r.topic().equals(predictions);
    SourcePosition s;
    try {
      s =
          prediction
              ? WireFormat.decodePrediction(r.value()).getSource()
              : WireFormat.decodeDeadLetter(r.value()).getSource();
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable output on " + r.topic(), e);
    }
    return new Output(prediction, s.getPartition(), s.getOffset(), r.timestamp());
  }

  /** Every output read so far, in arrival order. */
  synchronized List<Output> outputs() {
    if (failure != null) {
      throw failure;
    }
    return List.copyOf(outputs);
  }

  /** Distinct inputs answered so far (a prediction or a dead letter). */
  synchronized int answered() {
    if (failure != null) {
      throw failure;
    }
    return answered.size();
  }

  /** Waits until {@code n} distinct inputs are answered. */
  void awaitAnswered(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int now;
    while ((now = answered()) < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(now + " of " + n + " inputs answered within " + timeout);
      }
      Thread.sleep(50);
    }
  }

  /** The earliest production time of an output produced at or after {@code since}. */
  long firstProducedSince(long since, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long first =
          outputs().stream().mapToLong(Output::timestamp).filter(t -> t >= since).min().orElse(-1);
      if (first >= 0) {
        return first;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no output produced within " + timeout);
  }

  /** Offsets answered per input partition. */
  Map<Integer, Set<Long>> answeredOffsets() {
    Map<Integer, Set<Long>> out = new HashMap<>();
    outputs()
        .forEach(o -> out.computeIfAbsent(o.partition(), k -> new HashSet<>()).add(o.offset()));
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    thread.join(10_000);
  }
}
