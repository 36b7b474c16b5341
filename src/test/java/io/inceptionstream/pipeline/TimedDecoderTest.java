package io.inceptionstream.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.batching.Item;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.lifecycle.Rejection;
import io.inceptionstream.testing.Items;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimedDecoderTest {

  private static final Duration LIMIT = Duration.ofMillis(300);

  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void shutDown() {
    pool.shutdownNow();
    timer.shutdownNow();
  }

  /** Blocks the first record until interrupted, then keeps its thread a while, as ImageIO may. */
  private static Function<InputRecord, Item> slowFirst(AtomicBoolean sawInterrupt) {
    return r -> {
      if (r.offset() == 0) {
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          sawInterrupt.set(true);
        }
        long until = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      }
      return Items.ready(r.partition(), r.offset());
    };
  }

  @Test
  void aRecordQueuedBehindASlowOneKeepsItsWholeAllowance() throws Exception {
    TimedDecoder d = new TimedDecoder(slowFirst(new AtomicBoolean()), pool, timer, LIMIT);
    CompletableFuture<Item> slow = d.submit(Items.record(0, 0));
    CompletableFuture<Item> queued = d.submit(Items.record(0, 1));
    // The queued record waits about two limits for the thread: counted from submission it
    // would have timed out too, and a valid image would be dead-lettered and committed.
    Item second = queued.get(30, TimeUnit.SECONDS);
    assertTrue(second.isReady(), "the queued record was decoded: " + second.errorMessage());
    assertEquals(Rejection.DECODE_TIMEOUT, slow.get(30, TimeUnit.SECONDS).errorKind());
  }

  @Test
  void aDecodePastTheLimitIsADeadLetterAndItsThreadIsInterrupted() throws Exception {
    AtomicBoolean interrupted = new AtomicBoolean();
    TimedDecoder d = new TimedDecoder(slowFirst(interrupted), pool, timer, LIMIT);
    Item item = d.submit(Items.record(3, 0)).get(30, TimeUnit.SECONDS);
    assertFalse(item.isReady());
    assertEquals(Rejection.DECODE_TIMEOUT, item.errorKind());
    assertTrue(item.errorMessage().contains("pipeline.decode-timeout"), item.errorMessage());
    assertTrue(item.errorMessage().contains("300 ms"), item.errorMessage());
    // The decode thread was told to stop (it returns later; that late result is ignored).
    d.submit(Items.record(3, 1)).get(30, TimeUnit.SECONDS);
    assertTrue(interrupted.get());
  }

  @Test
  void theInterruptNeverReachesTheNextRecordOnTheSameThread() throws Exception {
    AtomicBoolean nextSawInterrupt = new AtomicBoolean();
    Function<InputRecord, Item> decode =
        r -> {
          if (r.offset() == 0) {
            return slowFirst(new AtomicBoolean()).apply(r);
          }
          nextSawInterrupt.set(Thread.currentThread().isInterrupted());
          return Items.ready(r.partition(), r.offset());
        };
    TimedDecoder d = new TimedDecoder(decode, pool, timer, LIMIT);
    d.submit(Items.record(0, 0));
    assertTrue(d.submit(Items.record(0, 1)).get(30, TimeUnit.SECONDS).isReady());
    assertFalse(nextSawInterrupt.get());
  }

  @Test
  void aFastDecodeIsReturnedAsIs() throws Exception {
    TimedDecoder d =
        new TimedDecoder(r -> Items.rejected(r.partition(), r.offset()), pool, timer, LIMIT);
    Item item = d.submit(Items.record(1, 7)).get(30, TimeUnit.SECONDS);
    assertEquals(7, item.source().offset());
    assertFalse(Rejection.DECODE_TIMEOUT.equals(item.errorKind()));
  }
}
