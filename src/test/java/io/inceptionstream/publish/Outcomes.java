package io.inceptionstream.publish;

import io.inceptionstream.batching.Batch;
import io.inceptionstream.batching.Item;
import io.inceptionstream.inference.InferenceResult;
import io.inceptionstream.inference.Scored;
import io.inceptionstream.lifecycle.CompletionSink;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.lifecycle.Ownership;
import io.inceptionstream.model.Tap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Batch outcomes, outputs and recording collaborators for the publisher's unit tests. */
final class Outcomes {

  private Outcomes() {}

  static final ModelIdentity MODEL = new ModelIdentity("m", "1.0", List.of("a", "b", "c"), "w1", 2);

  static final Publisher.Topics TOPICS =
      new Publisher.Topics("predictions", "embeddings", "dead-letters");

  static final List<Tap> TAPS = List.of(Tap.parse("a3.branch1"), Tap.parse("a4.branch4"));

  /** A prediction and one embedding per tap. */
  static final int OUTPUTS_PER_IMAGE = 1 + TAPS.size();

  /** When the forward pass of every outcome here finished (epoch ms). */
  static final long INFERRED_AT = 1500L;

  /** Batch {@code sequence} of these items, in which every ready item ran (rows in item order). */
  static BatchOutcome ran(long sequence, Item... items) {
    int[] rows = new int[items.length];
    int ran = 0;
    for (int i = 0; i < items.length; i++) {
      rows[i] = items[i].isReady() ? ran++ : -1;
    }
    return new BatchOutcome(
        batch(sequence, items), ran == 0 ? null : result(ran), rows, INFERRED_AT);
  }

  /** Batch {@code sequence} in which nothing ran. */
  static BatchOutcome notRun(long sequence, Item... items) {
    int[] rows = new int[items.length];
    Arrays.fill(rows, -1);
    return new BatchOutcome(batch(sequence, items), null, rows, INFERRED_AT);
  }

  static Batch batch(long sequence, Item... items) {
    return new Batch(sequence, List.of(items), 0, 0, Batch.FlushReason.SIZE);
  }

  /** Outputs of a forward pass over {@code n} images: 3 classes, one embedding per tap. */
  static InferenceResult result(int n) {
    int classes = MODEL.labels().size();
    float[] logits = new float[n * classes];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = i % classes;
    }
    List<float[]> embeddings = new ArrayList<>();
    for (Tap t : TAPS) {
      embeddings.add(new float[n * t.dimension()]);
    }
    return new InferenceResult(
        n, classes, logits, Scored.softmaxRows(logits, n, classes), TAPS, embeddings, true);
  }

  /** Kafka's mock producer that completes nothing until told ({@code autoComplete=false}). */
  static MockProducer<byte[], byte[]> producer() {
    return new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static OutputRecords outputs() {
    return new OutputRecords(MODEL);
  }

  /** A sink that remembers what completed, in order; safe from the producer's thread. */
  static final class RecordingSink implements CompletionSink {
    final List<InputRecord> completed = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void completed(InputRecord record) {
      completed.add(record);
    }
  }

  /** Ownership that ends for a partition when the test revokes it. */
  static final class Revocable implements Ownership {
    final Set<Integer> revoked = ConcurrentHashMap.newKeySet();

    @Override
    public boolean owns(InputRecord record) {
      return !revoked.contains(record.partition());
    }
  }
}
