package io.inceptionstream.bench;

import io.inceptionstream.avro.ImageRecord;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.batching.Item;
import io.inceptionstream.image.ImageDecoder;
import io.inceptionstream.image.ImageLimits;
import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.inference.Classifier;
import io.inceptionstream.inference.InferenceResult;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.inference.StandInBackend;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.model.Tap;
import io.inceptionstream.pipeline.RecordDecoder;
import io.inceptionstream.publish.ModelIdentity;
import io.inceptionstream.publish.OutputRecords;
import io.inceptionstream.train.ShapeGenerator;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH microbenchmarks of the per-record work around the model: decoding an input (Avro, PNG,
 * resize), normalising it into the batch buffer, the inference thread's work around a free device,
 * and encoding its outputs (a prediction and a 1,024-float embedding). Run with {@code bench jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmarks {

  private RecordDecoder decoder;
  private InputRecord input;
  private Item item;
  private Preprocessor preprocessor;
  private float[] batch;
  private OutputRecords outputs;
  private InferenceResult result;
  private Classifier standIn;
  private List<byte[]> images;

  @Setup
  public void setUp() {
    decoder = new RecordDecoder(new ImageDecoder(ImageLimits.DEFAULT));
    byte[] value =
        WireFormat.encode(
            ImageRecord.newBuilder()
                .setId("bench-1")
                .setImage(ByteBuffer.wrap(ShapeGenerator.sample(1, 1).png()))
                .build());
    input = new InputRecord("images", 0, 1, null, value, List.of(), 0L, 0L);
    item = decoder.decode(input);
    preprocessor =
        new Preprocessor(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
    batch = new float[32 * Preprocessor.FLOATS];
    outputs = new OutputRecords(new ModelIdentity("m", "1", ShapeGenerator.CLASSES, "w", 5));
    try (Classifier classifier =
        new Classifier(
            new StandInBackend(10, new RunnerOptions(List.of(Tap.B5), false, "stand-in", false)),
            preprocessor,
            false,
            1)) {
      result = classifier.classify(List.of(item.pixels()));
    }
    standIn =
        new Classifier(
            new StandInBackend(10, new RunnerOptions(List.of(Tap.B5), false, "stand-in", false)),
            preprocessor,
            false,
            32);
    images = java.util.Collections.nCopies(32, item.pixels());
  }

  @TearDown
  public void tearDown() {
    standIn.close();
  }

  /** Avro decoding, PNG decoding and resizing of one 32x32 shape. */
  @Benchmark
  public Item decodeInput() {
    return decoder.decode(input);
  }

  /** Normalising one image into the batch buffer. */
  @Benchmark
  public float[] normaliseIntoBatch() {
    preprocessor.write(item.pixels(), 0, batch, 0);
    return batch;
  }

  /** Encoding a prediction with its top 5. */
  @Benchmark
  public OutputRecords.Output encodePrediction() {
    return outputs.prediction(item, result, 0, 0L, 0L);
  }

  /**
   * The inference thread's work around a free device for a batch of 32: normalising into the batch
   * buffer, the zero-cost stand-in's outputs, softmax (divide by 32 for one record).
   */
  @Benchmark
  public InferenceResult classifyStandInBatchOf32() {
    return standIn.classify(images);
  }

  /** Encoding one 1,024-float embedding. */
  @Benchmark
  public List<OutputRecords.Output> encodeEmbedding() {
    return outputs.embeddings(item, result, 0);
  }
}
