package io.inceptionstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.avro.DeadLetter;
import io.inceptionstream.avro.Embedding;
import io.inceptionstream.avro.Prediction;
import io.inceptionstream.avro.ScoredLabel;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.broker.Topics;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.pipeline.Worker;
import io.inceptionstream.testing.Inputs;
import io.inceptionstream.testing.KafkaCluster;
import io.inceptionstream.testing.NoLeaksExtension;
import io.inceptionstream.testing.Records;
import io.inceptionstream.testing.TestModels;
import io.inceptionstream.testing.Workers;
import io.inceptionstream.train.ShapeGenerator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every worker must do, against a real broker and the real engine: run by one subclass per
 * kind of Kafka cluster (a child-process broker always, a container where Docker exists). Each test
 * uses its own topics and consumer group on the shared cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoLeaksExtension.class)
abstract class WorkerContract {

  static final Duration TIMEOUT = Duration.ofSeconds(120);

  KafkaCluster kafka;
  ModelDirectory model;
  Path work;

  abstract KafkaCluster startCluster(Path dir) throws Exception;

  @BeforeAll
  void cluster() throws Exception {
    work = Files.createTempDirectory("worker-it");
    kafka = startCluster(work.resolve("kafka"));
    model = TestModels.random();
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** Topic names unique to the running test, and the flags that point a worker at them. */
  record TestTopics(String input, String predictions, String embeddings, String dlq) {
    Map<String, String> flags() {
      Map<String, String> f = new HashMap<>();
      f.put("topics.input", input);
      f.put("topics.predictions", predictions);
      f.put("topics.embeddings", embeddings);
      f.put("topics.dead-letter", dlq);
      return f;
    }
  }

  TestTopics topics(TestInfo info, int partitions) {
    String base = info.getTestMethod().orElseThrow().getName();
    TestTopics t =
        new TestTopics(
            base + ".images", base + ".predictions", base + ".embeddings", base + ".dlq");
    Topics.create(
        kafka.bootstrapServers(),
        List.of(t.input(), t.predictions(), t.embeddings(), t.dlq()),
        partitions,
        (short) 1,
        Duration.ofSeconds(60));
    return t;
  }

  static Prediction prediction(ConsumerRecord<byte[], byte[]> r) {
    try {
      return WireFormat.decodePrediction(r.value());
    } catch (Exception e) {
      throw new AssertionError(
          "not a Prediction at " + r.topic() + "-" + r.partition() + "@" + r.offset(), e);
    }
  }

  @Test
  void everyImageGetsOnePredictionAndOneEmbeddingPerTap(TestInfo info) throws Exception {
    TestTopics t = topics(info, 3);
    int n = 24;
    Records.send(kafka.bootstrapServers(), t.input(), Inputs.shapes("img", n, 5));
    Map<String, String> flags = t.flags();
    flags.put("embedding.taps", "b5,a4.branch3");
    flags.put("prediction.top-k", "10");
    Worker w = Workers.start(kafka.bootstrapServers(), model, "g-" + t.input(), "w1", flags);
    try {
      List<ConsumerRecord<byte[], byte[]>> preds =
          Records.read(kafka.bootstrapServers(), t.predictions(), n, TIMEOUT);
      List<ConsumerRecord<byte[], byte[]>> embs =
          Records.read(kafka.bootstrapServers(), t.embeddings(), 2 * n, TIMEOUT);
      assertEquals(n, preds.size(), "one prediction per image");
      Set<String> ids = new HashSet<>();
      for (ConsumerRecord<byte[], byte[]> r : preds) {
        Prediction p = prediction(r);
        assertTrue(ids.add(p.getId()), "duplicate prediction for " + p.getId());
        assertEquals(
            p.getId(), new String(r.key(), StandardCharsets.UTF_8), "keyed like the input");
        assertEquals("0.1.0-test", p.getModelVersion());
        assertEquals("0.1.0-test", Records.header(r, "model-version"));
        double sum = 0;
        for (ScoredLabel s : p.getTopK()) {
          sum += s.getProbability();
        }
        assertEquals(1.0, sum, 1e-4, "probabilities of all 10 classes sum to 1");
        assertEquals(p.getTopK().get(0).getLabel(), p.getLabel());
        assertTrue(ShapeGenerator.CLASSES.contains(p.getLabel()));
        assertTrue(p.getAttributes().containsKey("label"), "input attributes carried over");
      }
      assertEquals(n, ids.size());
      assertEquals(2 * n, embs.size(), "one embedding per image and tap");
      Map<String, Integer> dims = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : embs) {
        Embedding e = WireFormat.decodeEmbedding(r.value());
        assertTrue(ids.contains(e.getId()));
        assertEquals(e.getId(), new String(r.key(), StandardCharsets.UTF_8));
        assertEquals(e.getDimension(), e.getVector().size());
        dims.put(e.getTap(), e.getDimension());
      }
      assertEquals(Map.of("b5", 1024, "a4.branch3", 48), dims);
    } finally {
      assertEquals(0, Workers.stop(w), "graceful stop");
    }
    long committed =
        Records.committed(kafka.bootstrapServers(), "g-" + t.input()).values().stream()
            .mapToLong(Long::longValue)
            .sum();
    assertEquals(n, committed, "every input offset committed");
  }

  @Test
  void atInt8TheWorkerCalibratesOnTheModelsStoredImagesAndPredictsTheShapes(TestInfo info)
      throws Exception {
    Path dir = work.resolve("int8-model");
    copyTree(TestModels.shipped(), dir);
    ModelDirectory shapes = ModelDirectory.open(dir);
    Map<String, String> flags = new HashMap<>();
    flags.put("inference.precision", "int8");
    // Without calibration images the worker refuses to start and says how to make them.
    Exception refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            Exception.class,
            () -> Workers.start(kafka.bootstrapServers(), shapes, "g-int8-none", "w0", flags));
    assertTrue(causes(refused).contains("model calibrate"), causes(refused));

    ModelDirectory calibrated =
        shapes.withCalibration(
            io.inceptionstream.train.LabeledImages.shapes(64, 7).pixels(), "shapes n=64 seed=7");
    TestTopics t = topics(info, 2);
    int n = 24;
    Records.send(kafka.bootstrapServers(), t.input(), Inputs.shapes("img", n, 5));
    flags.putAll(t.flags());
    Worker w = Workers.start(kafka.bootstrapServers(), calibrated, "g-" + t.input(), "w1", flags);
    try {
      List<ConsumerRecord<byte[], byte[]>> preds =
          Records.read(kafka.bootstrapServers(), t.predictions(), n, TIMEOUT);
      assertEquals(n, preds.size());
      int right = 0;
      for (ConsumerRecord<byte[], byte[]> r : preds) {
        Prediction p = prediction(r);
        if (p.getLabel().equals(p.getAttributes().get("label"))) {
          right++;
        }
      }
      assertTrue(right >= n - 1, right + " of " + n + " shapes right at int8");
    } finally {
      assertEquals(0, Workers.stop(w), "graceful stop");
    }
  }

  private static String causes(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c).append(" <- ");
    }
    return b.toString();
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(from.relativize(f).toString()));
      }
    }
  }

  @Test
  void twoWorkersInOneGroupSplitThePartitionsAndTogetherPredictEverything(TestInfo info)
      throws Exception {
    TestTopics t = topics(info, 4);
    int n = 40;
    String group = "g-" + t.input();
    Worker a = Workers.start(kafka.bootstrapServers(), model, group, "wa", t.flags());
    Worker b = Workers.start(kafka.bootstrapServers(), model, group, "wb", t.flags());
    try {
      long until = System.nanoTime() + TIMEOUT.toNanos();
      while (!(a.ready() && b.ready()) && System.nanoTime() < until) {
        Thread.sleep(200);
      }
      Records.send(kafka.bootstrapServers(), t.input(), Inputs.shapes("img", n, 6));
      List<ConsumerRecord<byte[], byte[]>> preds =
          Records.read(kafka.bootstrapServers(), t.predictions(), n, TIMEOUT);
      Set<String> ids = new HashSet<>();
      Set<String> workers = new HashSet<>();
      for (ConsumerRecord<byte[], byte[]> r : preds) {
        Prediction p = prediction(r);
        ids.add(p.getId());
        workers.add(p.getWorkerId());
      }
      assertEquals(n, ids.size(), "every image predicted");
      assertEquals(Set.of("wa", "wb"), workers, "both workers took part");
      long assignedA = gauge(a, "inception-stream.partitions.assigned");
      long assignedB = gauge(b, "inception-stream.partitions.assigned");
      assertEquals(4, assignedA + assignedB, "the four partitions are split between them");
    } finally {
      Workers.stop(a);
      Workers.stop(b);
    }
  }

  @Test
  void poisonRecordsOfEveryKindAreDeadLetteredWhileTheirNeighboursArePredicted(TestInfo info)
      throws Exception {
    TestTopics t = topics(info, 1);
    byte[] good = Inputs.shape("g", 9, 0);
    byte[] unknownFingerprint = Inputs.shape("u", 9, 1);
    unknownFingerprint[4] ^= 0x5A;
    byte[] truncatedAvro = java.util.Arrays.copyOf(Inputs.shape("t", 9, 2), 14);
    byte[] corruptPng =
        Inputs.image("corrupt", java.util.Arrays.copyOf(ShapeGenerator.sample(9, 3).png(), 40));
    byte[] notAnImage = Inputs.image("text", "just some text".getBytes(StandardCharsets.UTF_8));
    byte[] tooLarge = Inputs.image("large", new byte[70_000]);
    byte[] bomb = Inputs.raw("bomb", new byte[30], 50_000, 50_000);
    byte[] rawMismatch = Inputs.raw("mismatch", new byte[10], 2, 2);
    byte[] pngBomb = Inputs.image("png-bomb", pngDeclaring(60_000, 60_000));
    List<Records.Out> in = new ArrayList<>();
    Map<Long, String> expected = new HashMap<>();
    Object[][] plan = {
      {good, null},
      {"plain text".getBytes(StandardCharsets.UTF_8), "NOT_SINGLE_OBJECT"},
      {good, null},
      {unknownFingerprint, "UNKNOWN_SCHEMA"},
      {truncatedAvro, "UNDECODABLE_AVRO"},
      {null, "EMPTY_VALUE"},
      {new byte[0], "EMPTY_VALUE"},
      {good, null},
      {corruptPng, "CORRUPT_IMAGE"},
      {notAnImage, "UNSUPPORTED_FORMAT"},
      {tooLarge, "IMAGE_TOO_LARGE"},
      {bomb, "TOO_MANY_PIXELS"},
      {pngBomb, "TOO_MANY_PIXELS"},
      {rawMismatch, "RAW_SIZE_MISMATCH"},
      {good, null}
    };
    for (int i = 0; i < plan.length; i++) {
      in.add(new Records.Out(0, ("k" + i).getBytes(StandardCharsets.UTF_8), (byte[]) plan[i][0]));
      if (plan[i][1] != null) {
        expected.put((long) i, (String) plan[i][1]);
      }
    }
    Records.send(kafka.bootstrapServers(), t.input(), in);
    Map<String, String> flags = t.flags();
    flags.put("image.max-bytes", "60000");
    flags.put("image.max-pixels", "1000000");
    Worker w = Workers.start(kafka.bootstrapServers(), model, "g-" + t.input(), "w1", flags);
    try {
      List<ConsumerRecord<byte[], byte[]>> dlq =
          Records.read(kafka.bootstrapServers(), t.dlq(), expected.size(), TIMEOUT);
      List<ConsumerRecord<byte[], byte[]>> preds =
          Records.read(kafka.bootstrapServers(), t.predictions(), 4, TIMEOUT);
      Map<Long, String> got = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : dlq) {
        DeadLetter d = WireFormat.decodeDeadLetter(r.value());
        got.put(d.getSource().getOffset(), d.getErrorKind());
        assertTrue(d.getErrorMessage().length() > 10, "a reason: " + d.getErrorMessage());
        byte[] original = (byte[]) plan[(int) d.getSource().getOffset()][0];
        if (original != null) {
          byte[] kept = new byte[d.getValue().remaining()];
          d.getValue().get(kept);
          assertTrue(
              java.util.Arrays.equals(original, kept),
              "original bytes kept for offset " + d.getSource().getOffset());
        }
        assertEquals(
            "k" + d.getSource().getOffset(),
            new String(r.key(), StandardCharsets.UTF_8),
            "keyed with the original key");
      }
      assertEquals(expected, got);
      Set<Long> predictedOffsets = new HashSet<>();
      for (ConsumerRecord<byte[], byte[]> r : preds) {
        predictedOffsets.add(prediction(r).getSource().getOffset());
      }
      assertEquals(
          Set.of(0L, 2L, 7L, 14L),
          predictedOffsets,
          "the good records around the poison are predicted");
      assertTrue(w.ready(), "the worker is still healthy");
      assertEquals(expected.size(), w.metrics().recordsDeadLettered.getCount());
    } finally {
      assertEquals(0, Workers.stop(w));
    }
    assertEquals(
        Map.of(0, (long) plan.length),
        Records.committed(kafka.bootstrapServers(), "g-" + t.input()),
        "the partition is not blocked: everything committed");
  }

  @Test
  void aCorruptImageWithAHundredKilobyteKeyIsDeadLetteredAndTheStreamGoesOn(TestInfo info)
      throws Exception {
    TestTopics t = topics(info, 1);
    // Under max.request.size counting the key once, over it as a dead letter sends it: the
    // record key, the key copy, the value. This used to fail the worker, again on every restart.
    byte[] key = new byte[100 * 1024];
    java.util.Arrays.fill(key, (byte) 'k');
    byte[] junk = new byte[820 * 1024];
    new java.util.Random(5).nextBytes(junk);
    // A real PNG's signature and header chunk (a 32x32 image), then garbage: CORRUPT_IMAGE.
    System.arraycopy(ShapeGenerator.sample(9, 3).png(), 0, junk, 0, 33);
    List<Records.Out> in = new ArrayList<>();
    in.add(new Records.Out(0, key, Inputs.image("huge", junk)));
    in.addAll(Inputs.shapes("after", 3, 11));
    for (int i = 1; i < in.size(); i++) {
      in.set(i, new Records.Out(0, in.get(i).key(), in.get(i).value()));
    }
    Records.send(kafka.bootstrapServers(), t.input(), in);
    Worker w = Workers.start(kafka.bootstrapServers(), model, "g-" + t.input(), "w1", t.flags());
    try {
      List<ConsumerRecord<byte[], byte[]>> dlq =
          Records.read(kafka.bootstrapServers(), t.dlq(), 1, TIMEOUT);
      List<ConsumerRecord<byte[], byte[]>> preds =
          Records.read(kafka.bootstrapServers(), t.predictions(), 3, TIMEOUT);
      assertEquals(1, dlq.size());
      DeadLetter d = WireFormat.decodeDeadLetter(dlq.get(0).value());
      assertEquals("CORRUPT_IMAGE", d.getErrorKind());
      assertTrue(d.getErrorMessage().contains("truncated"), d.getErrorMessage());
      assertEquals(3, preds.size(), "the records after it are predicted");
      assertTrue(w.ready(), "the worker is still healthy");
    } finally {
      assertEquals(0, Workers.stop(w));
    }
    assertEquals(
        Map.of(0, 4L),
        Records.committed(kafka.bootstrapServers(), "g-" + t.input()),
        "everything committed");
  }

  @Test
  void acceptsSingleObjectBytesBuiltByHand(TestInfo info) throws Exception {
    TestTopics t = topics(info, 1);
    // A client in another language: C3 01, the fingerprint of the schema, then the binary body.
    long fp =
        SchemaNormalization.parsingFingerprint64(
            io.inceptionstream.avro.ImageRecord.getClassSchema());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] png = ShapeGenerator.sample(3, 1).png();
    writeString(body, "hand-made");
    writeVarint(body, png.length);
    body.write(png);
    writeVarint(body, 0); // encoding AUTO
    writeVarint(body, 0); // width null
    writeVarint(body, 0); // height null
    writeVarint(body, 0); // attributes: empty map
    writeVarint(body, 0); // timestamp null
    ByteBuffer header =
        ByteBuffer.allocate(10)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) 0xC3)
            .put((byte) 0x01)
            .putLong(fp);
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    value.write(header.array());
    value.write(body.toByteArray());
    Records.send(
        kafka.bootstrapServers(),
        t.input(),
        List.of(new Records.Out(null, null, value.toByteArray())));
    Worker w = Workers.start(kafka.bootstrapServers(), model, "g-" + t.input(), "w1", t.flags());
    try {
      List<ConsumerRecord<byte[], byte[]>> preds =
          Records.read(kafka.bootstrapServers(), t.predictions(), 1, TIMEOUT);
      assertEquals(1, preds.size());
      assertEquals("hand-made", prediction(preds.get(0)).getId());
      assertEquals(
          "hand-made",
          new String(preds.get(0).key(), StandardCharsets.UTF_8),
          "null input key: keyed by id");
    } finally {
      Workers.stop(w);
    }
  }

  @Test
  void pausesAndResumesWithoutExceedingTheInFlightBound(TestInfo info) throws Exception {
    TestTopics t = topics(info, 2);
    int n = 60;
    Records.send(kafka.bootstrapServers(), t.input(), Inputs.shapes("img", n, 8));
    Map<String, String> flags = t.flags();
    // One image per forward pass: inference is far slower than polling, so the backlog presses.
    flags.put("batch.max-size", "1");
    flags.put("pipeline.max-in-flight", "8");
    flags.put("pipeline.resume-below", "2");
    flags.put("embedding.taps", "");
    Worker w = Workers.start(kafka.bootstrapServers(), model, "g-" + t.input(), "w1", flags);
    try {
      List<ConsumerRecord<byte[], byte[]>> preds =
          Records.read(kafka.bootstrapServers(), t.predictions(), n, TIMEOUT);
      assertEquals(n, preds.size());
      long maxInFlight = gauge(w, "inception-stream.records.in-flight-max");
      long pauses = gauge(w, "inception-stream.partitions.pauses");
      long resumes = gauge(w, "inception-stream.partitions.resumes");
      assertTrue(maxInFlight <= 8, "in flight reached " + maxInFlight + ", over the bound of 8");
      assertTrue(maxInFlight >= 2, "the bound was actually pressed: " + maxInFlight);
      assertTrue(pauses >= 1, "partitions paused " + pauses + " times");
      assertTrue(resumes >= 1, "partitions resumed " + resumes + " times");
    } finally {
      Workers.stop(w);
    }
  }

  static long gauge(Worker w, String name) {
    return ((Number) w.metrics().registry().getGauges().get(name).getValue()).longValue();
  }

  /** A PNG whose header declares a huge canvas, followed by almost no data. */
  static byte[] pngDeclaring(int w, int h) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr =
        ByteBuffer.allocate(13)
            .putInt(w)
            .putInt(h)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws Exception {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    out.write(t);
    out.write(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static void writeString(ByteArrayOutputStream out, String s) throws Exception {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(out, b.length);
    out.write(b);
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    long z = (v << 1) ^ (v >> 63);
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
  }
}
