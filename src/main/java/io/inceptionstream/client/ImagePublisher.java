package io.inceptionstream.client;

import io.inceptionstream.avro.ImageEncoding;
import io.inceptionstream.avro.ImageRecord;
import io.inceptionstream.avro.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes images to the worker's input topic as Avro single-object encoded {@link ImageRecord}s,
 * keyed by id. Thread-safe (one idempotent producer inside); close it when done.
 *
 * <pre>{@code
 * try (ImagePublisher images = ImagePublisher.builder().bootstrapServers("127.0.0.1:9092").build()) {
 *   images.publish("cat-1", Files.readAllBytes(Path.of("cat.jpg")), Map.of("source", "camera-3")).join();
 * }
 * }</pre>
 */
public final class ImagePublisher implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;

  private ImagePublisher(Builder b) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(b.timeout.toMillis()));
    props.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Long.toString(Math.min(b.timeout.toMillis(), 30_000)));
    props.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        Long.toString(Math.max(b.timeout.toMillis(), 30_000 + 5)));
    props.putAll(b.properties);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(props);
    this.topic = b.topic;
  }

  /** A builder; {@link Builder#bootstrapServers} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Publishes an encoded image (JPEG, PNG, BMP or GIF) under {@code id}. */
  public CompletableFuture<RecordMetadata> publish(
      String id, byte[] image, Map<String, String> attributes) {
    return publish(
        ImageRecord.newBuilder()
            .setId(id)
            .setImage(ByteBuffer.wrap(image))
            .setAttributes(attributes)
            .setTimestamp(Instant.now())
            .build());
  }

  /** Publishes raw RGB8 pixels (row-major, 3 bytes a pixel). */
  public CompletableFuture<RecordMetadata> publishRaw(
      String id, byte[] rgb, int width, int height, Map<String, String> attributes) {
    return publish(
        ImageRecord.newBuilder()
            .setId(id)
            .setImage(ByteBuffer.wrap(rgb))
            .setEncoding(ImageEncoding.RAW_RGB8)
            .setWidth(width)
            .setHeight(height)
            .setAttributes(attributes)
            .setTimestamp(Instant.now())
            .build());
  }

  /** Publishes a complete record, keyed by its id. */
  public CompletableFuture<RecordMetadata> publish(ImageRecord record) {
    CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
    byte[] key = record.getId().getBytes(StandardCharsets.UTF_8);
    try {
      producer.send(
          new ProducerRecord<>(topic, key, WireFormat.encode(record)),
          (md, ex) -> {
            if (ex != null) {
              done.completeExceptionally(ex);
            } else {
              done.complete(md);
            }
          });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  /** Waits until every record sent so far is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }

  /** Settings for an {@link ImagePublisher}. */
  public static final class Builder {
    private String bootstrapServers;
    private String topic = "images";
    private Duration timeout = Duration.ofSeconds(30);
    private final Map<String, Object> properties = new HashMap<>();

    private Builder() {}

    /** Required: the Kafka bootstrap servers. */
    public Builder bootstrapServers(String servers) {
      this.bootstrapServers = servers;
      return this;
    }

    /** The input topic; default {@code images}. */
    public Builder topic(String t) {
      this.topic = t;
      return this;
    }

    /** How long a send may wait for an unreachable broker before failing; default 30 s. */
    public Builder timeout(Duration t) {
      this.timeout = t;
      return this;
    }

    /** Any Kafka producer property (security settings, for example). */
    public Builder property(String key, Object value) {
      properties.put(key, value);
      return this;
    }

    /**
     * Kafka client properties, for example security settings read from a {@code client.properties}
     * file; the settings this client relies on (bootstrap servers, serializers) still win.
     */
    public Builder properties(Map<String, ?> more) {
      properties.putAll(more);
      return this;
    }

    public ImagePublisher build() {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers is required");
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException("topic must not be blank");
      }
      return new ImagePublisher(this);
    }
  }
}
