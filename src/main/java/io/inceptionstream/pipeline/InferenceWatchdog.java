package io.inceptionstream.pipeline;

import io.inceptionstream.lifecycle.Clock;
import io.inceptionstream.lifecycle.Failure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Notices a forward pass that hangs: a device busy with one batch for longer than {@code
 * inference.timeout} fails the worker (so nothing past that batch is committed and the process
 * exits non-zero) and turns liveness red, instead of the stream stalling while {@code /health/live}
 * stays green. {@link #check()} runs on the worker's watchdog thread and for every liveness probe.
 * Thread-safe.
 */
final class InferenceWatchdog {

  /** What the watchdog reads of a device thread. */
  interface Device {

    /** The device's name, for messages. */
    String device();

    /** When the running forward pass started ({@link Clock#nanoTime()}), or -1 when idle. */
    long busySinceNanos();
  }

  private final List<? extends Device> devices;
  private final Duration timeout;
  private final Failure failure;
  private final Clock clock;
  private volatile String tripped;

  InferenceWatchdog(
      List<? extends Device> devices, Duration timeout, Failure failure, Clock clock) {
    this.devices = devices;
    this.timeout = timeout;
    this.failure = failure;
    this.clock = clock;
  }

  /**
   * Fails the worker the first time a device is over its time, and from then on reports it.
   *
   * @return why the worker is not live, or null while every device is within its time
   */
  String check() {
    if (tripped != null) {
      return tripped;
    }
    long now = clock.nanoTime();
    for (Device d : devices) {
      long since = d.busySinceNanos();
      if (since >= 0 && now - since > timeout.toNanos()) {
        String problem =
            "inference on "
                + d.device()
                + " has run one batch for "
                + Duration.ofNanos(now - since).toMillis()
                + " ms, over inference.timeout ("
                + timeout.toMillis()
                + " ms)";
        tripped = problem;
        failure.fail("inference watchdog", new TimeoutException(problem));
        return problem;
      }
    }
    return null;
  }
}
