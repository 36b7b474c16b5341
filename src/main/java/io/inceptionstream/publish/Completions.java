package io.inceptionstream.publish;

import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.Clock;
import io.inceptionstream.lifecycle.CompletionSink;
import io.inceptionstream.metrics.WorkerMetrics;
import java.util.concurrent.TimeUnit;

/**
 * Tells the sink that an input is finished and counts it, the same way in both delivery modes.
 * Thread-safe: called from the publisher thread and from the producer's I/O thread.
 */
final class Completions {

  private final CompletionSink sink;
  private final WorkerMetrics metrics;
  private final Clock clock;

  /**
   * @param clock measures the end-to-end latency from the item's creation time
   */
  Completions(CompletionSink sink, WorkerMetrics metrics, Clock clock) {
    this.sink = sink;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Every output of the item is durable: count it as predicted or dead-lettered, then complete. */
  void delivered(Item item) {
    (item.isReady() ? metrics.recordsPredicted : metrics.recordsDeadLettered).mark();
    metrics.endToEndLatency.update(
        Math.max(0, clock.currentTimeMillis() - item.createdAt()), TimeUnit.MILLISECONDS);
    sink.completed(item.source());
  }

  /** The item has no outputs to write here (another worker owns it, or it did not run). */
  void skipped(Item item) {
    sink.completed(item.source());
  }
}
