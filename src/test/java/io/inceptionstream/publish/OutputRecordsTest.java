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
import java.util.List;
import java.util.Map;
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

  @Test
  void aDeadLetterTooLargeForARequestLeavesTheValueOutAndSaysSo() throws Exception {
    OutputRecords small =
        new OutputRecords(new ModelIdentity("m", "2.0", List.of("a"), "w1", 1), 100 * 1024);
    InputRecord big =
        new InputRecord(
            "images",
            0,
            3,
            "k".getBytes(StandardCharsets.UTF_8),
            new byte[500 * 1024],
            List.of(),
            1L,
            2L);
    OutputRecords.Output o =
        small.deadLetter(Item.rejected(big, "x", "IMAGE_TOO_LARGE", "too large"), 5L);
    DeadLetter d = WireFormat.decodeDeadLetter(o.value());
    assertNull(d.getValue());
    assertEquals("IMAGE_TOO_LARGE", d.getErrorKind());
    assertTrue(d.getErrorMessage().contains("512000 bytes left out"), d.getErrorMessage());
    assertTrue(o.value().length < 100 * 1024);
    assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), o.key());
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
