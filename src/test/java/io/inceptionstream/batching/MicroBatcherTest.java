package io.inceptionstream.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.inceptionstream.metrics.WorkerMetrics;
import io.inceptionstream.testing.Items;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

  private static final long MS = 1_000_000L;

  private final LinkedBlockingQueue<CompletableFuture<Item>> input = new LinkedBlockingQueue<>();
  private final BatchQueue out = new BatchQueue(1);
  private final AtomicLong clock = new AtomicLong();
  private MicroBatcher batcher;
  private Thread thread;

  private void start(int maxSize, long maxDelayNanos) {
    batcher =
        new MicroBatcher(
            input,
            new BatchAccumulator(maxSize, maxDelayNanos),
            out,
            clock::get,
            new WorkerMetrics(new MetricRegistry()),
            e -> {
              throw new AssertionError("batcher failed", e);
            });
    thread = new Thread(batcher, "test-batcher");
    thread.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    batcher.stop();
    thread.join(5000);
    assertTrue(!thread.isAlive(), "batcher thread ended");
  }

  private Batch next() throws InterruptedException {
    Batch b = out.take(5, TimeUnit.SECONDS);
    assertNotNull(b, "a batch within 5 s");
    out.done();
    return b;
  }

  @Test
  void flushesAPartialBatchAtOnceWhenTheDeviceIsIdle() throws Exception {
    for (int i = 0; i < 3; i++) {
      input.add(CompletableFuture.completedFuture(Items.ready(0, i)));
    }
    start(32, 60_000 * MS);
    Batch b = next();
    assertEquals(3, b.items().size());
    assertEquals(Batch.FlushReason.IDLE, b.reason());
  }

  @Test
  void splitsABacklogIntoFullBatches() throws Exception {
    for (int i = 0; i < 5; i++) {
      input.add(CompletableFuture.completedFuture(Items.ready(0, i)));
    }
    start(2, 60_000 * MS);
    assertEquals(List.of(0L, 1L), next().items().stream().map(i -> i.source().offset()).toList());
    assertEquals(2, next().items().size());
    assertEquals(1, next().items().size());
  }

  @Test
  void keepsPollOrderWhileTheHeadIsStillDecoding() throws Exception {
    CompletableFuture<Item> slow = new CompletableFuture<>();
    input.add(slow);
    input.add(CompletableFuture.completedFuture(Items.ready(0, 1)));
    start(32, 60_000 * MS);
    assertNull(out.take(200, TimeUnit.MILLISECONDS), "nothing may overtake the head");
    slow.complete(Items.ready(0, 0));
    Batch b = next();
    assertEquals(0, b.items().get(0).source().offset());
    assertEquals(1, b.items().get(1).source().offset());
  }

  @Test
  void waitsForTheDeadlineWhileTheDeviceIsBusy() throws Exception {
    input.add(CompletableFuture.completedFuture(Items.ready(0, 0)));
    start(32, 50 * MS);
    Batch first = out.take(5, TimeUnit.SECONDS); // taken and not done(): the device is busy
    assertNotNull(first);
    input.add(CompletableFuture.completedFuture(Items.ready(0, 1)));
    assertEquals(0, out.waiting());
    Thread.sleep(200);
    assertEquals(0, out.waiting(), "device busy and deadline not reached: keep waiting");
    clock.addAndGet(50 * MS);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (out.waiting() == 0 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    out.done();
    Batch second = next();
    assertEquals(Batch.FlushReason.DEADLINE, second.reason());
  }

  @Test
  void drainModeFlushesEverythingAndEnds() throws Exception {
    start(32, 60_000 * MS);
    input.add(CompletableFuture.completedFuture(Items.ready(0, 0)));
    Batch busy = out.take(5, TimeUnit.SECONDS);
    assertNotNull(busy);
    input.add(CompletableFuture.completedFuture(Items.ready(0, 1)));
    batcher.drain();
    out.done();
    Batch b = next();
    assertEquals(1, b.items().size());
    assertTrue(b.reason() == Batch.FlushReason.DRAIN || b.reason() == Batch.FlushReason.IDLE);
  }
}
