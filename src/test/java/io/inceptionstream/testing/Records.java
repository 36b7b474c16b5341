package io.inceptionstream.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Test helper: raw byte records in and out of a real broker. Stateless. */
public final class Records {

  private Records() {}

  /** A key/value pair to send (either may be null); partition null lets Kafka choose. */
  public record Out(Integer partition, byte[] key, byte[] value) {}

  /** Sends every record and waits for all acknowledgements. */
  public static void send(String bootstrap, String topic, List<Out> records) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    // Not idempotent, one request in flight: order is kept all the same, and a leader change on
    // a loaded machine cannot trap the producer in endless OUT_OF_ORDER_SEQUENCE_NUMBER retries
    // (seen once, right after the topic was created).
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (Out r : records) {
        sent.add(producer.send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value())));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(90, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Reads {@code topic} from the beginning (committed records only) until {@code done} holds for
   * what arrived or {@code timeout} passed; then keeps reading for {@code settle} to catch extras.
   */
  public static List<ConsumerRecord<byte[], byte[]>> readUntil(
      String bootstrap,
      String topic,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
      Duration timeout,
      Duration settle) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic, timeout).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (System.nanoTime() < deadline && !done.test(out)) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      long settleEnd = System.nanoTime() + settle.toNanos();
      while (System.nanoTime() < settleEnd) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Reads until exactly {@code n} records arrived (or the timeout), then settles briefly. */
  public static List<ConsumerRecord<byte[], byte[]>> read(
      String bootstrap, String topic, int n, Duration timeout) {
    return readUntil(bootstrap, topic, l -> l.size() >= n, timeout, Duration.ofSeconds(1));
  }

  /** The group's committed offsets on a topic, by partition. */
  public static Map<Integer, Long> committed(String bootstrap, String group) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      Map<Integer, Long> out = new HashMap<>();
      offsets.forEach(
          (tp, om) -> {
            if (om != null) {
              out.put(tp.partition(), om.offset());
            }
          });
      return out;
    }
  }

  /** The header's value as a string, or null. */
  public static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
