package io.inceptionstream.cli;

import java.io.PrintWriter;

/**
 * A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise,
 * silent when disabled. Never writes to stdout. Not thread-safe.
 */
final class Progress {

  private final PrintWriter err;
  private final String label;
  private final long total;
  private final boolean enabled;
  private final boolean terminal = System.console() != null;
  private final long start = System.nanoTime();
  private long lastDraw;

  Progress(PrintWriter err, String label, long total, boolean enabled) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.enabled = enabled;
  }

  /** Shows {@code done} of the total with an extra note such as a loss. */
  void update(long done, String note) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    boolean last = done >= total;
    if (!last && now - lastDraw < (terminal ? 200_000_000L : 5_000_000_000L)) {
      return;
    }
    lastDraw = now;
    double secs = (now - start) / 1e9;
    int width = 30;
    int filled = total == 0 ? width : (int) (width * Math.min(1.0, (double) done / total));
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    String line = String.format("%s [%s] %d/%d %.0fs %s", label, bar, done, total, secs, note);
    if (terminal) {
      err.print("\r" + line + "   ");
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** Ends the bar's line. */
  void done() {
    if (enabled && terminal) {
      err.println();
      err.flush();
    }
  }
}
