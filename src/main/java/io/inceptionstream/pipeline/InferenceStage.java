package io.inceptionstream.pipeline;

import io.inceptionstream.batching.Batch;
import io.inceptionstream.batching.BatchQueue;
import io.inceptionstream.batching.BatchSizeTuner;
import io.inceptionstream.batching.Item;
import io.inceptionstream.config.BatchSize;
import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.inference.Classifier;
import io.inceptionstream.inference.InferenceResult;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.lifecycle.Clock;
import io.inceptionstream.lifecycle.Failure;
import io.inceptionstream.lifecycle.Ownership;
import io.inceptionstream.metrics.WorkerMetrics;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.publish.BatchOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inference thread per device: creates, warms, uses and closes its own {@link Classifier} (DJL
 * predictors are not thread-safe and MXNet wants a fixed thread). For each batch it hands the ready
 * items' pixels to the classifier, maps each item to its row of the result and passes the outcome
 * to the publisher. With {@code batch.max-size=auto} its warm-up times the candidate sizes on its
 * device ({@link BatchSizeTuner}) and {@link #chosenBatchSize()} says which one won. An engine
 * failure is fatal.
 */
public final class InferenceStage implements Runnable, InferenceWatchdog.Device {

  private static final Logger LOG = LoggerFactory.getLogger(InferenceStage.class);

  /** Time the auto choice may take on one device, roughly. */
  static final Duration AUTO_BUDGET = Duration.ofSeconds(4);

  private final ModelDirectory model;
  private final RunnerOptions options;
  private final String device;
  private final BatchSize batchSize;
  private final int maxBatch;
  private final BatchQueue input;
  private final BlockingQueue<BatchOutcome> output;
  private final Failure failure;
  private final WorkerMetrics metrics;
  private final Ownership ownership;
  private final CountDownLatch warm = new CountDownLatch(1);
  private volatile boolean stopped;
  private volatile boolean ready;
  private volatile long busySince = -1;
  private volatile int chosenBatchSize;

  public InferenceStage(
      ModelDirectory model,
      RunnerOptions options,
      String device,
      BatchSize batchSize,
      int maxInFlight,
      BatchQueue input,
      BlockingQueue<BatchOutcome> output,
      Failure failure,
      WorkerMetrics metrics,
      Ownership ownership) {
    this.ownership = ownership;
    this.model = model;
    this.options = options;
    this.device = device;
    this.batchSize = batchSize;
    // auto never tries more than the poll loop lets into the pipeline at once
    this.maxBatch =
        batchSize.auto() ? Math.min(BatchSize.AUTO_LARGEST, maxInFlight) : batchSize.fixed();
    this.input = input;
    this.output = output;
    this.failure = failure;
    this.metrics = metrics;
  }

  /** Waits until the model is loaded and warm (or failed); returns whether it is ready. */
  public boolean awaitWarm(long timeout, TimeUnit unit) throws InterruptedException {
    return warm.await(timeout, unit) && ready;
  }

  /** Whether the model is loaded and warmed up. */
  public boolean ready() {
    return ready;
  }

  @Override
  public String device() {
    return device;
  }

  @Override
  public long busySinceNanos() {
    return busySince;
  }

  /**
   * The batch size to use: the fixed one, or the one the warm-up chose; 0 until {@link #ready()}.
   */
  public int chosenBatchSize() {
    return chosenBatchSize;
  }

  /** Ends the thread once no batch is waiting. */
  public void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    try (Classifier classifier = Classifier.open(model, options, device, maxBatch)) {
      long start = System.nanoTime();
      if (batchSize.auto()) {
        chosenBatchSize = chooseBatchSize(classifier);
      } else {
        classifier.warmUp(maxBatch > 1 ? new int[] {1, maxBatch} : new int[] {1});
        chosenBatchSize = maxBatch;
      }
      LOG.info(
          "Model {} {} warm on {} ({}{}) in {} ms",
          model.metadata().name(),
          model.metadata().version(),
          device,
          classifier.engine(),
          classifier.compiled() ? ", compiled" : "",
          (System.nanoTime() - start) / 1_000_000);
      ready = true;
      warm.countDown();
      while (!failure.failed()) {
        Batch batch = input.take(100, TimeUnit.MILLISECONDS);
        if (batch == null) {
          if (stopped) {
            return;
          }
          continue;
        }
        try {
          output.put(run(classifier, batch));
        } finally {
          input.done();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      failure.fail("inference on " + device, e);
    } finally {
      ready = false;
      warm.countDown();
    }
  }

  private int chooseBatchSize(Classifier classifier) {
    List<Integer> candidates = new ArrayList<>();
    for (int size : BatchSize.AUTO_CANDIDATES) {
      if (size <= maxBatch) {
        candidates.add(size);
      }
    }
    // No separate warm-up: the tuner's first, untimed pass at each size is one, and sizes it
    // skips are never used. Blank images cost what real ones do: the network does the same
    // arithmetic on any pixels.
    byte[] images = new byte[maxBatch * Preprocessor.FLOATS];
    BatchSizeTuner.Result r =
        new BatchSizeTuner(Clock.SYSTEM, candidates, AUTO_BUDGET)
            .tune(n -> classifier.classify(images, 0, n));
    LOG.info(
        "Batch size auto: chose {} on {} (images/s by size: {})", r.chosen(), device, r.table());
    return r.chosen();
  }

  private BatchOutcome run(Classifier classifier, Batch batch) {
    List<byte[]> ready = new ArrayList<>(batch.items().size());
    int[] rows = new int[batch.items().size()];
    for (int i = 0; i < rows.length; i++) {
      Item item = batch.items().get(i);
      // Records of partitions this worker no longer owns are someone else's now: skip them.
      if (item.isReady() && ownership.owns(item.source())) {
        rows[i] = ready.size();
        ready.add(item.pixels());
      } else {
        rows[i] = -1;
      }
    }
    InferenceResult result = null;
    if (!ready.isEmpty()) {
      int n = ready.size();
      long t0 = System.nanoTime();
      busySince = t0;
      try {
        result = classifier.classify(ready);
      } finally {
        busySince = -1;
      }
      long took = System.nanoTime() - t0;
      metrics.inferenceBatch.update(took, TimeUnit.NANOSECONDS);
      for (int i = 0; i < n; i++) {
        metrics.inferenceImage.update(took / n, TimeUnit.NANOSECONDS);
      }
    }
    return new BatchOutcome(batch, result, rows, System.currentTimeMillis());
  }
}
