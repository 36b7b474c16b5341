package io.inceptionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void findsTheMetricsOfAnExpressionButNotItsFunctionsLabelsOrKeywords() {
    String expr =
        "sum by (job, instance) (rate(a_total{job=\"x\", le=~\"b_c\"}[5m] offset 1h))"
            + " / on (job) group_left (pod) sum without (quantile) (b_count)"
            + " and ignoring (instance) c:recorded > bool 0.5e3 unless up == 0";
    assertEquals(Set.of("a_total", "b_count", "c:recorded", "up"), PromQl.metricNames(expr), expr);
  }

  @Test
  void ignoresGrafanaVariablesAndStringsThatLookLikeMetrics() {
    String expr =
        "max(d{job=\"$job\", instance=~\"$instance\"}) + label_replace(e, \"f_total\", \"$1\","
            + " \"g\", \"(.*)\") * rate(h[$__rate_interval]) + ${datasource}";
    assertEquals(Set.of("d", "e", "h"), PromQl.metricNames(expr));
  }

  @Test
  void keepsOnlyExactMatchersOfASelector() {
    List<PromQl.Selector> selectors =
        PromQl.selectors(
            "max(s{quantile=\"0.99\", job!=\"a\", instance=~\"b\", pod!~\"c\", le = \"1\"}) + t");
    assertEquals(
        List.of(new PromQl.Selector("s", Map.of("quantile", "0.99", "le", "1"))), selectors);
  }

  @Test
  void readsTheSelectorOfAGrafanaLabelValuesQuery() {
    assertEquals(
        "m{job=\"$job\"}", PromQl.grafanaVariableQuery("label_values(m{job=\"$job\"}, instance)"));
    assertEquals("up", PromQl.grafanaVariableQuery("up"));
  }
}
