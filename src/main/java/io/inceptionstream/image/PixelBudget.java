package io.inceptionstream.image;

import java.util.concurrent.Semaphore;

/**
 * How many pixels may be decoded at once across all decode threads, so that a burst of large photos
 * cannot exhaust the heap: a decode takes its image's width × height from the budget before it
 * allocates anything and gives it back once the pixels are resized. First come, first served (a
 * fair semaphore), so a large image is not starved by a stream of small ones. Thread-safe.
 */
public final class PixelBudget {

  private final int capacity;
  private final Semaphore pixels;

  /**
   * @param capacity pixels that may be decoded at once; at least the largest accepted image
   */
  public PixelBudget(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1 pixel, got " + capacity);
    }
    this.capacity = capacity;
    this.pixels = new Semaphore(capacity, true);
  }

  /** The whole budget. */
  public int capacity() {
    return capacity;
  }

  /** Pixels not taken now. */
  public int available() {
    return pixels.availablePermits();
  }

  /**
   * Takes {@code n} pixels, waiting until they are free.
   *
   * @throws IllegalArgumentException if {@code n} is more than the whole budget (it could never be
   *     granted)
   */
  public Grant acquire(long n) throws InterruptedException {
    if (n < 0 || n > capacity) {
      throw new IllegalArgumentException(
          "Cannot take " + n + " pixels from a decode budget of " + capacity);
    }
    pixels.acquire((int) n);
    return new Grant((int) n);
  }

  /** Pixels taken from the budget; {@link #close()} gives them back, once. */
  public final class Grant implements AutoCloseable {

    private int held;

    private Grant(int held) {
      this.held = held;
    }

    @Override
    public void close() {
      int n = held;
      held = 0;
      pixels.release(n);
    }
  }
}
