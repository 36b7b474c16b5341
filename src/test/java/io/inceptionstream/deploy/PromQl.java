package io.inceptionstream.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL for the deployment tests: the metric names an expression selects and the exact
 * label values it asks for, found with regular expressions rather than a parser. Grafana's
 * variables ({@code $job}, {@code ${datasource}}, {@code $__rate_interval}) are ignored. Stateless.
 */
final class PromQl {

  /** One selector: a metric name and its {@code label="value"} matchers (no =~, !=, !~). */
  record Selector(String metric, Map<String, String> exactLabels) {}

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|`[^`]*`");
  private static final Pattern BRACES = Pattern.compile("\\{[^}]*\\}");
  private static final Pattern BRACKETS = Pattern.compile("\\[[^\\]]*\\]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*\\}|\\$\\w+");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "offset",
          "bool",
          "inf",
          "nan",
          "Inf",
          "NaN");
  private static final Pattern SELECTOR =
      Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*+)\\s*\\{([^}]*)\\}");
  private static final Pattern EXACT_MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$");

  private PromQl() {}

  /** The metric names an expression selects, in order of appearance. */
  static Set<String> metricNames(String expr) {
    String s = STRING.matcher(expr).replaceAll(" ");
    s = BRACES.matcher(s).replaceAll(" ");
    s = BRACKETS.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    s = VARIABLE.matcher(s).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      if (!KEYWORDS.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Every {@code metric{...}} selector with its exact-match labels. */
  static List<Selector> selectors(String expr) {
    List<Selector> selectors = new ArrayList<>();
    Matcher m = SELECTOR.matcher(expr);
    while (m.find()) {
      if (KEYWORDS.contains(m.group(1))) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      // label="v" only: in label!="v", label=~"v" and label!~"v" no name is followed by '="'
      Matcher l = EXACT_MATCHER.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      selectors.add(new Selector(m.group(1), labels));
    }
    return selectors;
  }

  /**
   * The PromQL inside a Grafana variable query: the series selector of {@code
   * label_values(selector, label)}, the query itself otherwise.
   */
  static String grafanaVariableQuery(String query) {
    Matcher m = LABEL_VALUES.matcher(query);
    return m.matches() ? m.group(1) : query;
  }
}
