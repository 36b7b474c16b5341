package io.inceptionstream.faults;

import io.inceptionstream.testing.Records;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends a scenario's inputs at a steady rate on its own thread, so faults land mid-stream however
 * fast the worker is; {@code acks=all} and long retries carry it over a broker restart. The test
 * thread starts it and joins it; {@link #await} rethrows what went wrong.
 */
final class Feed implements AutoCloseable {

  private final Thread thread;
  private volatile Exception failure;
  private volatile boolean stop;

  Feed(String bootstrap, String topic, List<Records.Out> records, int perSecond) {
    thread = new Thread(() -> run(bootstrap, topic, records, perSecond), "fault-feed");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(String bootstrap, String topic, List<Records.Out> records, int perSecond) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < records.size() && !stop; i++) {
        long due = start + TimeUnit.SECONDS.toNanos(i) / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        Records.Out r = records.get(i);
        sent.add(producer.send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value())));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(150, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      failure = e;
    }
  }

  /** Waits until every record is acknowledged. */
  void await() throws Exception {
    thread.join(TimeUnit.MINUTES.toMillis(3));
    if (failure != null) {
      throw failure;
    }
    if (thread.isAlive()) {
      throw new IllegalStateException("feed still sending after three minutes");
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(TimeUnit.MINUTES.toMillis(3));
  }
}
