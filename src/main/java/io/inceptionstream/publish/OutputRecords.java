package io.inceptionstream.publish;

import io.inceptionstream.avro.DeadLetter;
import io.inceptionstream.avro.Header;
import io.inceptionstream.avro.Prediction;
import io.inceptionstream.avro.ScoredLabel;
import io.inceptionstream.avro.SourcePosition;
import io.inceptionstream.avro.Timings;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.batching.Item;
import io.inceptionstream.inference.InferenceResult;
import io.inceptionstream.inference.Scored;
import io.inceptionstream.lifecycle.InputRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds the Avro output values, keys and headers for one item; no Kafka types, so it is tested on
 * its own. Stateless and thread-safe.
 */
public final class OutputRecords {

  /** Header carrying the model version on every output. */
  public static final String MODEL_VERSION_HEADER = "model-version";

  /** Header carrying the model name on every output. */
  public static final String MODEL_NAME_HEADER = "model-name";

  /** W3C trace context headers passed through from the input. */
  public static final List<String> TRACE_HEADERS = List.of("traceparent", "tracestate");

  /**
   * A value ready to send.
   *
   * @param key record key (may be null for dead letters of key-less inputs)
   * @param value encoded value
   * @param headers headers in order
   */
  public record Output(byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers) {}

  /**
   * Room kept in a request for the producer's own overhead: the record batch header and the varints
   * around each field (well under 1 KiB for one record).
   */
  private static final int DEAD_LETTER_HEADROOM = 4 * 1024;

  private final ModelIdentity model;
  private final int maxDeadLetterBytes;
  // Encoded once: every output carries them (profiled: re-encoding showed in the publisher thread).
  private final byte[] modelNameHeader;
  private final byte[] modelVersionHeader;

  /** Outputs for a producer with Kafka's default request size limit (1 MiB). */
  public OutputRecords(ModelIdentity model) {
    this(model, 1024 * 1024);
  }

  /**
   * @param maxRequestBytes the producer's {@code max.request.size}: a dead letter that would not
   *     fit is cut down (see {@link #deadLetter}) rather than failing to send
   */
  public OutputRecords(ModelIdentity model, int maxRequestBytes) {
    this.model = model;
    this.maxDeadLetterBytes = Math.max(1024, maxRequestBytes - DEAD_LETTER_HEADROOM);
    this.modelNameHeader = model.name().getBytes(StandardCharsets.UTF_8);
    this.modelVersionHeader = model.version().getBytes(StandardCharsets.UTF_8);
  }

  /** The output key: the input's key, or its id when the key is null. */
  public static byte[] outputKey(Item item) {
    InputRecord s = item.source();
    if (s.key() != null) {
      return s.key();
    }
    return item.id() == null ? null : item.id().getBytes(StandardCharsets.UTF_8);
  }

  private List<Map.Entry<String, byte[]>> headers(InputRecord source) {
    List<Map.Entry<String, byte[]>> h = new ArrayList<>(4);
    // Each output gets its own copies: a caller may change the arrays it was handed.
    h.add(Map.entry(MODEL_NAME_HEADER, modelNameHeader.clone()));
    h.add(Map.entry(MODEL_VERSION_HEADER, modelVersionHeader.clone()));
    for (String name : TRACE_HEADERS) {
      byte[] v = source.header(name);
      if (v != null) {
        h.add(Map.entry(name, v));
      }
    }
    return h;
  }

  private static SourcePosition position(InputRecord s) {
    return new SourcePosition(s.topic(), s.partition(), s.offset());
  }

  /** The prediction for row {@code row} of {@code result}. */
  public Output prediction(
      Item item, InferenceResult result, int row, long inferredAt, long publishedAt) {
    List<ScoredLabel> top = new ArrayList<>(model.topK());
    for (Scored s : result.topK(row, model.topK())) {
      top.add(new ScoredLabel(model.labels().get(s.index()), s.index(), s.probability()));
    }
    ScoredLabel best = top.get(0);
    Prediction p =
        Prediction.newBuilder()
            .setId(item.id())
            .setModelName(model.name())
            .setModelVersion(model.version())
            .setLabel(best.getLabel())
            .setIndex(best.getIndex())
            .setProbability(best.getProbability())
            .setTopK(top)
            .setSource(position(item.source()))
            .setAttributes(item.attributes())
            .setTimings(
                new Timings(
                    Instant.ofEpochMilli(item.createdAt()),
                    Instant.ofEpochMilli(item.source().polledAt()),
                    Instant.ofEpochMilli(inferredAt),
                    Instant.ofEpochMilli(publishedAt)))
            .setBatchSize(result.size())
            .setWorkerId(model.workerId())
            .build();
    return new Output(outputKey(item), WireFormat.encode(p), headers(item.source()));
  }

  /** One embedding per tap for row {@code row} of {@code result}. */
  public List<Output> embeddings(Item item, InferenceResult result, int row) {
    List<Output> out = new ArrayList<>(result.taps().size());
    InputRecord s = item.source();
    byte[] key = outputKey(item);
    for (int t = 0; t < result.taps().size(); t++) {
      // The rows' length, rather than Tap.dimension(), which looks the module up by name each call.
      int dim = result.embeddings().get(t).length / result.size();
      byte[] value =
          WireFormat.encodeEmbedding(
              item.id(),
              model.name(),
              model.version(),
              result.taps().get(t).name(),
              result.normalized(),
              result.embeddings().get(t),
              row * dim,
              dim,
              s.topic(),
              s.partition(),
              s.offset());
      out.add(new Output(key, value, headers(s)));
    }
    return out;
  }

  /**
   * The dead letter of a rejected item, keyed with the original key and carrying the original key,
   * value and headers. It always fits the producer's {@code max.request.size}: counted as sent —
   * the record key, the encoded value (which holds the key a second time, the value, the headers
   * and the message) and the record headers — a dead letter over the limit gets the original value
   * truncated, then the original headers' values, the key copy, the record key and the trace
   * headers left out, in that order, until it fits; the message says what was cut. A dead letter
   * that cannot be written would stop the worker on the same record forever.
   */
  public Output deadLetter(Item item, long now) {
    InputRecord s = item.source();
    List<Header> original = new ArrayList<>(s.headers().size());
    for (Map.Entry<String, byte[]> h : s.headers()) {
      original.add(
          new Header(h.getKey(), h.getValue() == null ? null : ByteBuffer.wrap(h.getValue())));
    }
    byte[] value = s.value();
    Output whole =
        deadLetter(item, now, s.key(), s.key(), value, original, headers(s), item.errorMessage());
    if (size(whole) <= maxDeadLetterBytes) {
      return whole;
    }
    // 1. The original value, truncated to the room the rest leaves.
    String note =
        " (original value of "
            + (value == null ? 0 : value.length)
            + " bytes truncated to %d bytes: the dead letter must fit the producer's"
            + " max.request.size; kept: "
            + maxDeadLetterBytes
            + " bytes in all)";
    Output empty =
        deadLetter(
            item,
            now,
            s.key(),
            s.key(),
            value == null ? null : new byte[0],
            original,
            headers(s),
            item.errorMessage() + String.format(note, Integer.MAX_VALUE));
    long room = maxDeadLetterBytes - size(empty);
    if (value != null && room >= 0) {
      int kept = (int) Math.min(value.length, room);
      return deadLetter(
          item,
          now,
          s.key(),
          s.key(),
          Arrays.copyOf(value, kept),
          original,
          headers(s),
          item.errorMessage() + String.format(note, kept));
    }
    // 2. The key or headers alone are too large: cut everything but the reason.
    List<Header> names = new ArrayList<>(original.size());
    for (Header h : original) {
      names.add(new Header(h.getKey(), null));
    }
    byte[] key = s.key();
    boolean keyFits = key == null || 2L * key.length + 4096 <= maxDeadLetterBytes / 2;
    List<Map.Entry<String, byte[]>> recordHeaders = headers(s);
    recordHeaders.removeIf(h -> TRACE_HEADERS.contains(h.getKey()));
    String message = item.errorMessage();
    if (message.length() > 4096) {
      message = message.substring(0, 4096) + "...";
    }
    message +=
        " (original value, header values"
            + (keyFits ? "" : " and key")
            + " and trace headers left out: the dead letter must fit the producer's"
            + " max.request.size of "
            + maxDeadLetterBytes
            + " bytes)";
    return deadLetter(
        item, now, keyFits ? key : null, keyFits ? key : null, null, names, recordHeaders, message);
  }

  private Output deadLetter(
      Item item,
      long now,
      byte[] recordKey,
      byte[] key,
      byte[] value,
      List<Header> originalHeaders,
      List<Map.Entry<String, byte[]>> recordHeaders,
      String message) {
    DeadLetter d =
        DeadLetter.newBuilder()
            .setKey(key == null ? null : ByteBuffer.wrap(key))
            .setValue(value == null ? null : ByteBuffer.wrap(value))
            .setHeaders(originalHeaders)
            .setSource(position(item.source()))
            .setErrorKind(item.errorKind())
            .setErrorMessage(message)
            .setId(item.id())
            .setWorkerId(model.workerId())
            .setTimestamp(Instant.ofEpochMilli(now))
            .build();
    return new Output(recordKey, WireFormat.encode(d), recordHeaders);
  }

  /** What the producer counts against max.request.size, less its fixed record overhead. */
  static long size(Output o) {
    long n = (o.key() == null ? 0 : o.key().length) + (o.value() == null ? 0 : o.value().length);
    for (Map.Entry<String, byte[]> h : o.headers()) {
      n +=
          h.getKey().getBytes(StandardCharsets.UTF_8).length
              + (h.getValue() == null ? 0 : h.getValue().length);
    }
    return n;
  }
}
