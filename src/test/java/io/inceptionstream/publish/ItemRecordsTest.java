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
import io.inceptionstream.testing.Items;
import io.inceptionstream.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class ItemRecordsTest {

  private final ManualClock clock = new ManualClock(10_000L);
  private final ItemRecords records = new ItemRecords(Outcomes.outputs(), Outcomes.TOPICS, clock);

  @Test
  void aClassifiedImageBecomesAPredictionThenOneEmbeddingPerTap() throws Exception {
    Item first = Items.ready(0, 7);
    Item second = Items.ready(0, 8);
    BatchOutcome outcome = Outcomes.ran(0, first, second);
    clock.advance(Duration.ofMillis(250));

    List<ProducerRecord<byte[], byte[]>> out = records.of(second, outcome, 1);

    assertEquals(Outcomes.OUTPUTS_PER_IMAGE, out.size());
    assertEquals("predictions", out.get(0).topic());
    Prediction p = WireFormat.decodePrediction(out.get(0).value());
    assertEquals("id-0-8", p.getId());
    assertEquals(8L, p.getSource().getOffset());
    assertEquals(10_250L, p.getTimings().getPublished().toEpochMilli(), "stamped by the clock");
    assertEquals(Outcomes.INFERRED_AT, p.getTimings().getInferred().toEpochMilli());
    for (int t = 0; t < Outcomes.TAPS.size(); t++) {
      ProducerRecord<byte[], byte[]> r = out.get(1 + t);
      assertEquals("embeddings", r.topic());
      Embedding e = WireFormat.decodeEmbedding(r.value());
      assertEquals(Outcomes.TAPS.get(t).name(), e.getTap());
      assertEquals(8L, e.getSource().getOffset());
    }
    for (ProducerRecord<byte[], byte[]> r : out) {
      assertArrayEquals("id-0-8".getBytes(StandardCharsets.UTF_8), r.key(), "keyed by id");
      assertEquals("1.0", header(r, OutputRecords.MODEL_VERSION_HEADER));
      assertNull(r.partition(), "the producer's partitioner chooses");
      assertNull(r.timestamp(), "the producer stamps the send time");
    }
  }

  @Test
  void aRejectedRecordBecomesOneDeadLetterStampedByTheClock() throws Exception {
    Item rejected = Items.rejected(2, 5);
    clock.advance(Duration.ofSeconds(3));

    List<ProducerRecord<byte[], byte[]>> out =
        records.of(rejected, Outcomes.notRun(0, rejected), -1);

    assertEquals(1, out.size());
    assertEquals("dead-letters", out.get(0).topic());
    DeadLetter d = WireFormat.decodeDeadLetter(out.get(0).value());
    assertEquals("NOT_SINGLE_OBJECT", d.getErrorKind());
    assertEquals(5L, d.getSource().getOffset());
    assertEquals(13_000L, d.getTimestamp().toEpochMilli());
  }

  @Test
  void anImageThatDidNotRunHasNoOutputs() {
    Item item = Items.ready(1, 3);
    assertTrue(records.of(item, Outcomes.notRun(0, item), -1).isEmpty());
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
