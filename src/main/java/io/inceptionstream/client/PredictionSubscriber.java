package io.inceptionstream.client;

import io.inceptionstream.avro.Embedding;
import io.inceptionstream.avro.Prediction;
import io.inceptionstream.avro.WireFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads predictions (and optionally their embeddings, joined by input position) from every
 * partition of the output topics without joining a consumer group, reading only committed records.
 * Not thread-safe: use it from one thread, like a Kafka consumer.
 *
 * <pre>{@code
 * try (PredictionSubscriber s = PredictionSubscriber.builder().bootstrapServers("127.0.0.1:9092").fromBeginning(true).build()) {
 *   for (PredictionSubscriber.Result r : s.poll(Duration.ofSeconds(1))) {
 *     System.out.println(r.prediction().getId() + " " + r.prediction().getLabel());
 *   }
 * }
 * }</pre>
 */
public final class PredictionSubscriber implements AutoCloseable {

  /**
   * One prediction, with its embeddings by tap when they were requested.
   *
   * @param prediction the prediction
   * @param embeddings tap name → embedding (empty unless embeddings were requested)
   * @param receivedAt when this subscriber read the prediction (epoch ms)
   */
  public record Result(Prediction prediction, Map<String, Embedding> embeddings, long receivedAt) {

    /** Milliseconds from the input's creation to its reception here. */
    public long latencyMillis() {
      var created = prediction.getTimings().getCreated();
      return created == null ? -1 : receivedAt - created.toEpochMilli();
    }
  }

  private static final long SETTLE_MILLIS = 200;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String predictionsTopic;
  private final String embeddingsTopic;
  private final Duration joinWindow;
  private final Map<String, Result> waiting = new LinkedHashMap<>();
  private final Map<String, Long> lastEmbeddingAt = new HashMap<>();
  private final Map<String, Map<String, Embedding>> earlyEmbeddings = new HashMap<>();
  private final List<String> undecodable = new ArrayList<>();

  private PredictionSubscriber(Builder b) {
    Map<String, Object> props = new HashMap<>(b.properties);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(b.connectTimeout.toMillis()));
    props.put(
        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Long.toString(Math.min(b.connectTimeout.toMillis(), 30_000)));
    this.consumer = new KafkaConsumer<>(props);
    this.predictionsTopic = b.topic;
    this.embeddingsTopic = b.embeddingsTopic;
    this.joinWindow = b.joinWindow;
    try {
      List<TopicPartition> parts = new ArrayList<>(partitions(b.topic, b.connectTimeout));
      if (embeddingsTopic != null) {
        parts.addAll(partitions(embeddingsTopic, b.connectTimeout));
      }
      consumer.assign(parts);
      if (b.fromBeginning) {
        consumer.seekToBeginning(parts);
      } else {
        consumer.seekToEnd(parts);
        for (TopicPartition tp : parts) {
          consumer.position(tp, b.connectTimeout);
        }
      }
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
  }

  private List<TopicPartition> partitions(String topic, Duration timeout) {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, timeout);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Cannot reach Kafka to read topic '"
              + topic
              + "' within "
              + timeout.toMillis()
              + " ms: "
              + e.getMessage(),
          e);
    }
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("Topic '" + topic + "' does not exist");
    }
    List<TopicPartition> out = new ArrayList<>();
    for (PartitionInfo p : infos) {
      out.add(new TopicPartition(p.topic(), p.partition()));
    }
    return out;
  }

  /** A builder; {@link Builder#bootstrapServers} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Waits up to {@code timeout} for new predictions. With embeddings, a prediction is returned 200
   * ms after its last embedding arrived (the taps of one image are written together), or when the
   * join window passes without any.
   */
  public List<Result> poll(Duration timeout) {
    long now = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      try {
        if (r.topic().equals(predictionsTopic)) {
          Prediction p = WireFormat.decodePrediction(r.value());
          String k =
              joinKey(
                  p.getSource().getTopic(),
                  p.getSource().getPartition(),
                  p.getSource().getOffset());
          Map<String, Embedding> es = earlyEmbeddings.remove(k);
          waiting.put(k, new Result(p, es == null ? new LinkedHashMap<>() : es, now));
          if (es != null) {
            lastEmbeddingAt.put(k, now);
          }
        } else {
          Embedding e = WireFormat.decodeEmbedding(r.value());
          String k =
              joinKey(
                  e.getSource().getTopic(),
                  e.getSource().getPartition(),
                  e.getSource().getOffset());
          Result w = waiting.get(k);
          lastEmbeddingAt.put(k, now);
          if (w != null) {
            w.embeddings().put(e.getTap(), e);
          } else {
            earlyEmbeddings.computeIfAbsent(k, x -> new LinkedHashMap<>()).put(e.getTap(), e);
          }
        }
      } catch (IOException | RuntimeException e) {
        undecodable.add(r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
      }
    }
    List<Result> out = new ArrayList<>();
    long t = System.currentTimeMillis();
    for (Iterator<Map.Entry<String, Result>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Result> e = it.next();
      Result r = e.getValue();
      Long lastEmbedding = lastEmbeddingAt.get(e.getKey());
      // An image's embeddings (one per tap) are written together: once one arrived, a short quiet
      // spell means the rest are in; without any, give up after the join window.
      boolean complete = lastEmbedding != null && t - lastEmbedding >= SETTLE_MILLIS;
      if (embeddingsTopic == null || complete || t - r.receivedAt() >= joinWindow.toMillis()) {
        out.add(r);
        it.remove();
        lastEmbeddingAt.remove(e.getKey());
      }
    }
    return out;
  }

  /** Records that were not valid outputs (read and skipped), for diagnostics. */
  public List<String> undecodable() {
    return List.copyOf(undecodable);
  }

  private static String joinKey(String topic, int partition, long offset) {
    return topic + "\u0000" + partition + "\u0000" + offset;
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }

  /** Settings for a {@link PredictionSubscriber}. */
  public static final class Builder {
    private String bootstrapServers;
    private String topic = "predictions";
    private String embeddingsTopic;
    private boolean fromBeginning;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration joinWindow = Duration.ofSeconds(5);
    private final Map<String, Object> properties = new HashMap<>();

    private Builder() {}

    /** Required: the Kafka bootstrap servers. */
    public Builder bootstrapServers(String servers) {
      this.bootstrapServers = servers;
      return this;
    }

    /** The predictions topic; default {@code predictions}. */
    public Builder topic(String t) {
      this.topic = t;
      return this;
    }

    /** Also read this embeddings topic and attach each prediction's embeddings; default none. */
    public Builder embeddingsTopic(String t) {
      this.embeddingsTopic = t;
      return this;
    }

    /** Start at the earliest record instead of only new ones. */
    public Builder fromBeginning(boolean b) {
      this.fromBeginning = b;
      return this;
    }

    /** How long to wait for the broker before failing; default 30 s. */
    public Builder connectTimeout(Duration t) {
      this.connectTimeout = t;
      return this;
    }

    /** Longest a prediction waits for its embeddings; default 5 s. */
    public Builder joinWindow(Duration t) {
      this.joinWindow = t;
      return this;
    }

    /** Any Kafka consumer property. */
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

    public PredictionSubscriber build() {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers is required");
      return new PredictionSubscriber(this);
    }
  }
}
