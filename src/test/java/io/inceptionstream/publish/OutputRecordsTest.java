package io.inceptionstream.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.avro.DeadLetter;
import io.inceptionstream.avro.Embedding;
import io.inceptionstream.avro.Prediction;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.batching.Item;
import io.inceptionstream.inference.InferenceResult;
import io.inceptionstream.inference.Scored;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.model.Tap;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OutputRecordsTest {

  private final OutputRecords outputs =
      new OutputRecords(new ModelIdentity("m", "2.0", List.of("a", "b", "c"), "w1", 2));

  private static InputRecord input(byte[] key) {
    return new InputRecord(
        "images",
        2,
        40,
        key,
        new byte[] {1, 2},
        List.of(
            Map.entry("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8)),
            Map.entry("other", new byte[] {9})),
        500L,
        600L);
  }

  private static InferenceResult result() {
    float[] logits = {1f, 3f, 2f};
    Tap tap = Tap.parse("a3.branch1");
    float[] emb = new float[64];
    emb[5] = 1f;
    return new InferenceResult(
        1, 3, logits, Scored.softmaxRows(logits, 1, 3), List.of(tap), List.of(emb), true);
  }

  private static String header(OutputRecords.Output o, String name) {
    return o.headers().stream()
        .filter(h -> h.getKey().equals(name))
        .map(h -> new String(h.getValue(), StandardCharsets.UTF_8))
        .findFirst()
        .orElse(null);
  }

  @Test
  void predictionCarriesTopKSourceTimingsAndHeaders() throws Exception {
    Item item = Item.ready(input(null), "img-1", Map.of("label", "b"), 400L, new byte[3072]);
    OutputRecords.Output o = outputs.prediction(item, result(), 0, 700L, 800L);
    Prediction p = WireFormat.decodePrediction(o.value());
    assertEquals("b", p.getLabel());
    assertEquals(1, p.getIndex());
    assertEquals(2, p.getTopK().size());
    assertEquals("c", p.getTopK().get(1).getLabel());
    assertEquals(40L, p.getSource().getOffset());
    assertEquals(400L, p.getTimings().getCreated().toEpochMilli());
    assertEquals(600L, p.getTimings().getEnqueued().toEpochMilli());
    assertEquals(Map.of("label", "b"), p.getAttributes());
    assertArrayEquals("img-1".getBytes(StandardCharsets.UTF_8), o.key(), "null input key: the id");
    assertEquals("2.0", header(o, OutputRecords.MODEL_VERSION_HEADER));
    assertEquals("00-abc-def-01", header(o, "traceparent"));
    assertNull(header(o, "other"), "only trace headers pass through");
  }

  @Test
  void embeddingsAreOnePerTapKeyedLikeThePrediction() throws Exception {
    Item item =
        Item.ready(
            input("k".getBytes(StandardCharsets.UTF_8)), "img-1", Map.of(), 400L, new byte[3072]);
    List<OutputRecords.Output> es = outputs.embeddings(item, result(), 0);
    assertEquals(1, es.size());
    Embedding e = WireFormat.decodeEmbedding(es.get(0).value());
    assertEquals("a3.branch1", e.getTap());
    assertEquals(64, e.getDimension());
    assertEquals(64, e.getVector().size());
    assertEquals(1f, e.getVector().get(5));
    assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), es.get(0).key(), "the input key wins");
  }

  private static final int MIB = 1024 * 1024;

  private static InputRecord record(byte[] key, byte[] value, List<Map.Entry<String, byte[]>> h) {
    return new InputRecord("images", 0, 3, key, value, h, 1L, 2L);
  }

  @Test
  void aDeadLetterOfAnInputNearTheLimitIsTruncatedToFitCountingTheKeyTwiceAndTheHeaders()
      throws Exception {
    // The case that crash-looped the worker: under the limit counting the key once, over it as
    // sent (the key twice, the trace header twice).
    OutputRecords outputs =
        new OutputRecords(new ModelIdentity("m", "2.0", List.of("a"), "w1", 1), MIB);
    byte[] key = new byte[100 * 1024];
    Arrays.fill(key, (byte) 'k');
    byte[] value = new byte[840 * 1024];
    new Random(1).nextBytes(value);
    List<Map.Entry<String, byte[]>> headers =
        List.of(Map.entry("traceparent", new byte[16 * 1024]), Map.entry("other", new byte[300]));
    OutputRecords.Output o =
        outputs.deadLetter(
            Item.rejected(record(key, value, headers), "x", "CORRUPT_IMAGE", "cannot decode"), 5L);
    assertTrue(OutputRecords.size(o) <= MIB - 4096, "size " + OutputRecords.size(o));
    DeadLetter d = WireFormat.decodeDeadLetter(o.value());
    assertEquals("CORRUPT_IMAGE", d.getErrorKind());
    assertArrayEquals(key, o.key(), "record key kept");
    assertEquals(key.length, d.getKey().remaining(), "key copy kept");
    byte[] kept = new byte[d.getValue().remaining()];
    d.getValue().get(kept);
    assertTrue(kept.length > 600 * 1024 && kept.length < value.length, "kept " + kept.length);
    assertArrayEquals(Arrays.copyOf(value, kept.length), kept, "a prefix of the original");
    assertTrue(
        d.getErrorMessage()
            .startsWith(
                "cannot decode (original value of 860160 bytes truncated to "
                    + kept.length
                    + " bytes"),
        d.getErrorMessage());
  }

  @Test
  void aKeyTooLargeForTheDeadLetterIsLeftOutAndTheReasonStays() throws Exception {
    OutputRecords outputs =
        new OutputRecords(new ModelIdentity("m", "2.0", List.of("a"), "w1", 1), 100 * 1024);
    OutputRecords.Output o =
        outputs.deadLetter(
            Item.rejected(
                record(
                    new byte[60 * 1024], new byte[10], List.of(Map.entry("h", new byte[50_000]))),
                "x",
                "INVALID_RECORD",
                "too long"),
            5L);
    assertTrue(OutputRecords.size(o) <= 100 * 1024 - 4096, "size " + OutputRecords.size(o));
    DeadLetter d = WireFormat.decodeDeadLetter(o.value());
    assertNull(o.key());
    assertNull(d.getKey());
    assertNull(d.getValue());
    assertEquals("h", d.getHeaders().get(0).getKey(), "header names kept");
    assertTrue(d.getErrorMessage().contains("left out"), d.getErrorMessage());
  }

  @Test
  void everyDeadLetterFitsWhateverTheSizesOfKeyValueAndHeaders() throws Exception {
    Random r = new Random(42);
    for (int i = 0; i < 60; i++) {
      int limit = 64 * 1024 + r.nextInt(MIB);
      OutputRecords outputs =
          new OutputRecords(new ModelIdentity("m", "2.0", List.of("a"), "w1", 1), limit);
      byte[] key = r.nextInt(4) == 0 ? null : new byte[r.nextInt(limit)];
      byte[] value = new byte[r.nextInt(2 * limit)];
      List<Map.Entry<String, byte[]>> headers =
          r.nextBoolean()
              ? List.of()
              : List.of(
                  Map.entry("traceparent", new byte[r.nextInt(limit / 2)]),
                  Map.entry("x", new byte[r.nextInt(limit / 2)]));
      OutputRecords.Output o =
          outputs.deadLetter(
              Item.rejected(record(key, value, headers), "id", "CORRUPT_IMAGE", "bad"), 5L);
      assertTrue(
          OutputRecords.size(o) <= Math.max(1024, limit - 4096),
          "case " + i + ": " + OutputRecords.size(o) + " > " + limit);
      assertEquals("CORRUPT_IMAGE", WireFormat.decodeDeadLetter(o.value()).getErrorKind());
    }
  }

  @Test
  void deadLetterKeepsTheOriginalBytesAndTheReason() throws Exception {
    Item item = Item.rejected(input(null), null, "NOT_SINGLE_OBJECT", "not avro");
    OutputRecords.Output o = outputs.deadLetter(item, 900L);
    DeadLetter d = WireFormat.decodeDeadLetter(o.value());
    assertEquals("NOT_SINGLE_OBJECT", d.getErrorKind());
    assertEquals("not avro", d.getErrorMessage());
    assertEquals(2, d.getValue().remaining());
    assertEquals(2, d.getHeaders().size());
    assertEquals("w1", d.getWorkerId());
    assertEquals(2, d.getSource().getPartition());
    assertNull(o.key());
  }
}
