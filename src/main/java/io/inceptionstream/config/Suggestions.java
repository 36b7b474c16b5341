package io.inceptionstream.config;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finds the valid name closest to a misspelt one, for "did you mean" hints. */
final class Suggestions {

  private Suggestions() {}

  /**
   * The candidate a user most likely meant: one equal but for case and separators ({@code
   * batch_max_size}), else the only one ending in the unknown name ({@code max-size} for {@code
   * batch.max-size}), else the nearest by edit distance when it is near enough to be a typo.
   */
  static Optional<String> closest(String unknown, Collection<String> candidates) {
    String plain = plain(unknown);
    for (String c : candidates) {
      if (plain(c).equals(plain)) {
        return Optional.of(c);
      }
    }
    List<String> endings =
        candidates.stream()
            .filter(c -> c.endsWith("." + unknown) || c.endsWith("_" + unknown))
            .toList();
    if (endings.size() == 1) {
      return Optional.of(endings.get(0));
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String lower = unknown.toLowerCase(Locale.ROOT);
    for (String c : candidates) {
      int d = distance(lower, c.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, unknown.length() / 4)
        ? Optional.of(best)
        : Optional.empty();
  }

  private static String plain(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[._-]", "");
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
