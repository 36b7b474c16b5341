package io.inceptionstream.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline for the pipeline's own overhead: a plain at-least-once consume→produce loop that
 * copies every record to an output topic (same producer durability as the worker: acks=all,
 * idempotent, lz4) and commits after each poll's sends are acknowledged. Runs on the calling
 * thread.
 */
final class Passthrough {

  private Passthrough() {}

  /**
   * Copies {@code count} records from {@code input} to {@code output} with a fresh group.
   *
   * @return seconds from the first record polled to the last one acknowledged and committed
   */
  static double run(
      String bootstrap, String input, String output, String group, int count, Duration timeout) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      consumer.subscribe(List.of(input));
      long deadline = System.nanoTime() + timeout.toNanos();
      long first = 0;
      int copied = 0;
      while (copied < count) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Passthrough copied " + copied + " of " + count + " records within " + timeout);
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        if (first == 0) {
          first = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          producer.send(new ProducerRecord<>(output, r.key(), r.value()));
          copied++;
        }
        producer.flush();
        consumer.commitSync();
      }
      return (System.nanoTime() - first) / 1e9;
    }
  }
}
