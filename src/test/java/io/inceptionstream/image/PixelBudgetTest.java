package io.inceptionstream.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PixelBudgetTest {

  @Test
  void aGrantTakesItsPixelsUntilClosedAndGivesThemBackOnce() throws Exception {
    PixelBudget budget = new PixelBudget(100);
    PixelBudget.Grant g = budget.acquire(60);
    assertEquals(40, budget.available());
    g.close();
    g.close();
    assertEquals(100, budget.available());
  }

  @Test
  void aRequestWaitsWhileTheBudgetIsTakenAndProceedsWhenItIsGivenBack() throws Exception {
    PixelBudget budget = new PixelBudget(100);
    PixelBudget.Grant first = budget.acquire(80);
    CountDownLatch granted = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              try (PixelBudget.Grant second = budget.acquire(50)) {
                granted.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t.start();
    assertFalse(granted.await(200, TimeUnit.MILLISECONDS), "granted past the budget");
    first.close();
    assertTrue(granted.await(30, TimeUnit.SECONDS));
    t.join();
    assertEquals(100, budget.available());
  }

  @Test
  void refusesARequestLargerThanTheWholeBudget() {
    PixelBudget budget = new PixelBudget(100);
    assertThrows(IllegalArgumentException.class, () -> budget.acquire(101));
  }

  @Test
  void limitsRefuseABudgetSmallerThanTheLargestAcceptedImage() {
    assertThrows(IllegalArgumentException.class, () -> new ImageLimits(1000, 500, 499));
  }

  private static void hold() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void concurrentDecodesNeverHoldMorePixelsThanTheBudget() throws Exception {
    // Budget for one 600x500 image: four threads decoding eight of them must take turns.
    int w = 600;
    int h = 500;
    ImageDecoder decoder = new ImageDecoder(new ImageLimits(10_000_000, w * h, w * h));
    byte[] png = TestImages.encode(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png");
    AtomicLong holding = new AtomicLong();
    AtomicLong peak = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(
            pool.submit(
                () ->
                    decoder.decode(
                        png,
                        ImageFormat.AUTO,
                        0,
                        0,
                        image -> {
                          long now = holding.addAndGet((long) image.width() * image.height());
                          peak.accumulateAndGet(now, Math::max);
                          // Hold the pixels a while, so overlapping decodes would show in the peak.
                          hold();
                          holding.addAndGet(-(long) image.width() * image.height());
                          return image.width();
                        })));
      }
      for (Future<Integer> r : results) {
        assertEquals(w, r.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals((long) w * h, peak.get(), "pixels held at once");
    assertEquals(w * h, decoder.budget().available());
  }
}
