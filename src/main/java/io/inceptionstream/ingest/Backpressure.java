package io.inceptionstream.ingest;

/**
 * When the poll loop pauses its partitions and when it resumes them, with hysteresis on both the
 * record count and the bytes in flight. It pauses as soon as one more poll could pass the record
 * bound, or the bytes reach their bound; it resumes only once the records are down to the low-water
 * mark (and one more poll fits) and the bytes are below half their bound, so that the partitions do
 * not flap around the limit. It decides; the poll loop talks to the consumer. Written by the poll
 * thread only; its counters may be read from any thread.
 */
final class Backpressure {

  /** What the poll loop should do to its partitions now. */
  enum Change {
    NONE,
    PAUSE,
    RESUME
  }

  private final int maxInFlight;
  private final int resumeBelow;
  private final long maxInFlightBytes;
  private final int maxPollRecords;
  private boolean paused;
  private volatile long pauses;
  private volatile long resumes;

  /**
   * @param maxInFlight most records in flight
   * @param resumeBelow resume when in flight falls to this
   * @param maxInFlightBytes pause when the bytes in flight reach this
   * @param maxPollRecords the most records one poll returns
   */
  Backpressure(int maxInFlight, int resumeBelow, long maxInFlightBytes, int maxPollRecords) {
    if (maxPollRecords < 1) {
      throw new IllegalArgumentException(
          "Invalid value " + maxPollRecords + " for max.poll.records: must be at least 1");
    }
    this.maxInFlight = maxInFlight;
    this.resumeBelow = resumeBelow;
    this.maxInFlightBytes = maxInFlightBytes;
    this.maxPollRecords = maxPollRecords;
  }

  /**
   * Decides on the records and bytes in flight now, and takes the change as made.
   *
   * @param mayResume false while stopping: partitions that stop fetching stay paused
   */
  Change update(int inFlight, long inFlightBytes, boolean mayResume) {
    boolean overCount = inFlight + maxPollRecords > maxInFlight;
    boolean overBytes = inFlightBytes >= maxInFlightBytes;
    if (!paused && (overCount || overBytes)) {
      paused = true;
      pauses++;
      return Change.PAUSE;
    }
    if (paused
        && mayResume
        && !overCount
        && inFlight <= resumeBelow
        && inFlightBytes < maxInFlightBytes / 2) {
      paused = false;
      resumes++;
      return Change.RESUME;
    }
    return Change.NONE;
  }

  /** The loop paused everything for another reason (shutdown); not counted as a pause. */
  void pausedAnyway() {
    paused = true;
  }

  /** Whether the partitions are paused. */
  boolean paused() {
    return paused;
  }

  /** Pauses for backpressure so far. */
  long pauses() {
    return pauses;
  }

  /** Resumes so far. */
  long resumes() {
    return resumes;
  }
}
