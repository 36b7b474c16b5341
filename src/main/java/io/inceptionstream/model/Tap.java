package io.inceptionstream.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An embedding tap: the global-average-pooled output of one Inception module ({@code b5}) or of one
 * of its branches ({@code a4.branch3}).
 *
 * @param module the module name, {@code a3} to {@code b5}
 * @param branch 1..4 for one branch, 0 for the whole module
 */
public record Tap(String module, int branch) {

  public Tap {
    InceptionSpec spec =
        Architecture.module(module)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Unknown Inception module '"
                            + module
                            + "' in tap: must be one of "
                            + Architecture.MODULES.stream().map(InceptionSpec::name).toList()));
    if (branch < 0 || branch > 4) {
      throw new IllegalArgumentException(
          "Invalid branch " + branch + " for tap on " + spec.name() + ": must be 1..4");
    }
  }

  /** The classifier input: the whole {@code b5} module, 1024 values. */
  public static final Tap B5 = new Tap("b5", 0);

  /**
   * Parses {@code b5} or {@code a4.branch3}.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Tap parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int dot = t.indexOf('.');
    if (dot < 0) {
      return new Tap(t, 0);
    }
    String suffix = t.substring(dot + 1);
    if (!suffix.matches("branch[1-4]")) {
      throw new IllegalArgumentException(
          "Invalid tap '" + text + "': expected MODULE or MODULE.branchK with K in 1..4");
    }
    return new Tap(t.substring(0, dot), suffix.charAt(6) - '0');
  }

  /** Parses a comma-separated list; an empty text gives no taps. */
  public static List<Tap> parseList(String text) {
    List<Tap> taps = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        Tap tap = parse(part);
        if (!taps.contains(tap)) {
          taps.add(tap);
        }
      }
    }
    return List.copyOf(taps);
  }

  /** The module this tap reads. */
  public InceptionSpec spec() {
    return Architecture.module(module).orElseThrow();
  }

  /** Length of the embedding vector. */
  public int dimension() {
    return branch == 0 ? spec().out() : spec().branchWidth(branch);
  }

  /** First channel of this tap in the module's concatenated output. */
  public int offset() {
    return branch == 0 ? 0 : spec().branchOffset(branch);
  }

  /** The tap's name as written in configuration and on embedding records. */
  public String name() {
    return branch == 0 ? module : module + ".branch" + branch;
  }

  @Override
  public String toString() {
    return name();
  }
}
