package io.inceptionstream.ingest;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Offsets in flight per partition, and the highest offset that may be committed: the offset after
 * the longest prefix of completed records. Records register in poll order (increasing offsets
 * within a partition) and complete in any order; the committable position never passes an
 * unfinished record. Single-threaded: owned by the poll thread (completions reach it through a
 * queue).
 *
 * @param <P> the partition key type
 */
public final class OffsetTracker<P> {

  private static final class Entry {
    final long offset;
    final long bytes;
    boolean done;

    Entry(long offset, long bytes) {
      this.offset = offset;
      this.bytes = bytes;
    }
  }

  private static final class Partition {
    final ArrayDeque<Entry> entries = new ArrayDeque<>();
    final Map<Long, Entry> byOffset = new HashMap<>();
    long committable = -1;
  }

  private final Map<P, Partition> partitions = new LinkedHashMap<>();
  private int inFlight;
  private long inFlightBytes;

  /** Registers a polled record. Offsets of one partition must increase. */
  public void register(P partition, long offset, long bytes) {
    Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
    Entry last = p.entries.peekLast();
    if (last != null && offset <= last.offset) {
      throw new IllegalStateException(
          "Offset " + offset + " of " + partition + " registered after " + last.offset);
    }
    Entry e = new Entry(offset, bytes);
    p.entries.addLast(e);
    p.byOffset.put(offset, e);
    inFlight++;
    inFlightBytes += bytes;
  }

  /**
   * Marks a record finished (all its outputs acknowledged). Unknown records (of a partition dropped
   * by {@link #forget}) are ignored.
   *
   * @return whether the record was known
   */
  public boolean complete(P partition, long offset) {
    Partition p = partitions.get(partition);
    if (p == null) {
      return false;
    }
    Entry e = p.byOffset.remove(offset);
    if (e == null) {
      return false;
    }
    e.done = true;
    inFlight--;
    inFlightBytes -= e.bytes;
    while (!p.entries.isEmpty() && p.entries.peekFirst().done) {
      p.committable = p.entries.pollFirst().offset + 1;
    }
    return true;
  }

  /**
   * Positions that advanced since the last call: partition → next offset to consume, for a commit.
   * Each position is reported once.
   */
  public Map<P, Long> takeCommittable() {
    Map<P, Long> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<P, Partition>> it = partitions.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<P, Partition> e = it.next();
      Partition p = e.getValue();
      if (p.committable >= 0) {
        out.put(e.getKey(), p.committable);
        p.committable = -1;
      }
      if (p.entries.isEmpty() && p.committable < 0) {
        it.remove();
      }
    }
    return out;
  }

  /** Records of this partition not yet completed. */
  public int inFlight(P partition) {
    Partition p = partitions.get(partition);
    return p == null ? 0 : p.byOffset.size();
  }

  /** Records of these partitions not yet completed. */
  public int inFlight(Set<P> some) {
    int n = 0;
    for (P p : some) {
      n += inFlight(p);
    }
    return n;
  }

  /** Records not yet completed, all partitions. */
  public int inFlight() {
    return inFlight;
  }

  /** Bytes of records not yet completed. */
  public long inFlightBytes() {
    return inFlightBytes;
  }

  /**
   * Drops a partition (revoked with unfinished records): its records no longer count as in flight,
   * later completions are ignored, and nothing more is committed for it.
   *
   * @return records abandoned
   */
  public int forget(P partition) {
    Partition p = partitions.remove(partition);
    if (p == null) {
      return 0;
    }
    int n = p.byOffset.size();
    inFlight -= n;
    for (Entry e : p.byOffset.values()) {
      inFlightBytes -= e.bytes;
    }
    return n;
  }
}
