package io.inceptionstream.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.inceptionstream.metrics.WorkerMetrics;
import io.inceptionstream.testing.Items;
import io.inceptionstream.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
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
    if (thread == null) {
      return; // driven turn by turn, no thread
    }
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

  // The tests below drive the batcher turn by turn on a manual clock: no thread, no sleeping.

  private final ManualClock manual = new ManualClock();

  private MicroBatcher manual(BatchQueue queue, int maxSize, long maxDelayNanos) {
    return new MicroBatcher(
        input,
        new BatchAccumulator(maxSize, maxDelayNanos),
        queue,
        manual::nanoTime,
        new WorkerMetrics(new MetricRegistry()),
        e -> {
          throw new AssertionError("batcher failed", e);
        });
  }

  /** Turns until the batcher would wait. */
  private static void settle(MicroBatcher b) throws InterruptedException {
    for (int i = 0; i < 10_000; i++) {
      if (b.turn() != MicroBatcher.Turn.PROGRESS) {
        return;
      }
    }
    throw new AssertionError("the batcher never settled");
  }

  private static List<Batch> takeAll(BatchQueue queue) throws InterruptedException {
    List<Batch> taken = new ArrayList<>();
    for (Batch b = queue.take(0, TimeUnit.SECONDS);
        b != null;
        b = queue.take(0, TimeUnit.SECONDS)) {
      taken.add(b);
      queue.done();
    }
    return taken;
  }

  @Test
  void sendsABacklogInFullBatchesWithoutWaitingForTheDeadline() throws Exception {
    for (int i = 0; i < 70; i++) {
      input.add(CompletableFuture.completedFuture(Items.ready(0, i)));
    }
    BatchQueue queue = new BatchQueue(2);
    MicroBatcher b = manual(queue, 32, 50 * MS);
    settle(b);
    assertEquals(2, queue.waiting(), "two full batches at once, the clock never moved");
    List<Batch> full = takeAll(queue);
    for (Batch batch : full) {
      assertEquals(32, batch.readyCount());
      assertEquals(Batch.FlushReason.SIZE, batch.reason());
      assertEquals(0, batch.fillWaitNanos());
    }
    // the devices are idle again and nothing more is arriving: the last 6 go at once too
    settle(b);
    Batch rest = takeAll(queue).get(0);
    assertEquals(6, rest.readyCount());
    assertEquals(Batch.FlushReason.IDLE, rest.reason());
    assertEquals(0, rest.flushedNanos());
  }

  @Test
  void sendsAPartialBatchAtOnceWhenTheDeviceIsIdleAndNothingIsArriving() throws Exception {
    for (int i = 0; i < 3; i++) {
      input.add(CompletableFuture.completedFuture(Items.ready(0, i)));
    }
    BatchQueue queue = new BatchQueue(1);
    MicroBatcher b = manual(queue, 32, 60_000 * MS);
    settle(b);
    Batch batch = takeAll(queue).get(0);
    assertEquals(3, batch.readyCount());
    assertEquals(Batch.FlushReason.IDLE, batch.reason());
    assertEquals(0, batch.fillWaitNanos(), "no waiting at all");
  }

  @Test
  void holdsAPartialBatchWhileRecordsAreStillArrivingUntilTheDeadline() throws Exception {
    input.add(CompletableFuture.completedFuture(Items.ready(0, 0)));
    CompletableFuture<Item> decoding = new CompletableFuture<>();
    input.add(decoding);
    BatchQueue queue = new BatchQueue(1);
    MicroBatcher b = manual(queue, 32, 50 * MS);
    settle(b);
    assertEquals(0, queue.waiting(), "the device is idle, but another record is on its way");
    manual.advance(Duration.ofMillis(49));
    settle(b);
    assertEquals(0, queue.waiting(), "49 ms: still within batch.max-delay");
    manual.advance(Duration.ofMillis(1));
    settle(b);
    Batch batch = takeAll(queue).get(0);
    assertEquals(Batch.FlushReason.DEADLINE, batch.reason());
    assertEquals(1, batch.items().size(), "the record still decoding is not overtaken");
    assertEquals(50 * MS, batch.fillWaitNanos());
    decoding.complete(Items.ready(0, 1));
    settle(b);
    assertEquals(1, takeAll(queue).get(0).items().get(0).source().offset());
  }

  @Test
  void waitsForTheDeadlineWhileTheDeviceIsBusy() throws Exception {
    input.add(CompletableFuture.completedFuture(Items.ready(0, 0)));
    BatchQueue queue = new BatchQueue(1);
    MicroBatcher b = manual(queue, 32, 50 * MS);
    settle(b);
    Batch first = queue.take(0, TimeUnit.SECONDS); // taken and not done(): the device is busy
    assertNotNull(first);
    input.add(CompletableFuture.completedFuture(Items.ready(0, 1)));
    settle(b);
    manual.advance(Duration.ofMillis(49));
    settle(b);
    assertEquals(0, queue.waiting(), "device busy and deadline not reached: keep waiting");
    manual.advance(Duration.ofMillis(1));
    settle(b);
    queue.done();
    Batch second = takeAll(queue).get(0);
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
