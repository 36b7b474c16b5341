package io.inceptionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard, one JSON file for compose and Kubernetes. */
class GrafanaDashboardTest {

  static final Path DASHBOARD = DeployFiles.DEPLOY.resolve("grafana/inception-stream.json");

  /** Every panel, rows' nested panels included. */
  static List<JsonNode> panels() throws IOException {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode p : DeployFiles.document(DASHBOARD).path("panels")) {
      panels.add(p);
      p.path("panels").forEach(panels::add);
    }
    return panels;
  }

  /** Every PromQL expression of the dashboard: panel targets and variable queries. */
  static List<String> expressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    for (JsonNode p : panels()) {
      p.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
    }
    for (JsonNode v : DeployFiles.document(DASHBOARD).path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) {
        exprs.add(PromQl.grafanaVariableQuery(v.path("query").path("query").asText()));
      }
    }
    return exprs;
  }

  @Test
  void panelsQueryThroughTheDashboardsDataSourceVariable() throws IOException {
    JsonNode d = DeployFiles.document(DASHBOARD);
    assertEquals("inception-stream", d.path("uid").asText());
    JsonNode first = d.path("templating").path("list").get(0);
    assertEquals("datasource", first.path("type").asText());
    assertEquals("prometheus", first.path("query").asText());
    String ref = "${" + first.path("name").asText() + "}";
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : panels()) {
      assertTrue(ids.add(p.path("id").asInt()), "panel id " + p.path("id") + " twice");
      if (p.path("type").asText().equals("row")) {
        continue;
      }
      assertEquals(ref, p.path("datasource").path("uid").asText(), p.path("title").asText());
      assertFalse(p.path("targets").isEmpty(), p.path("title") + " has no query");
      for (JsonNode t : p.path("targets")) {
        assertFalse(
            t.path("expr").asText().isBlank(), p.path("title") + " target " + t.path("refId"));
        assertEquals(ref, t.path("datasource").path("uid").asText());
      }
    }
  }

  @Test
  void panelsDoNotOverlap() throws IOException {
    List<int[]> boxes = new ArrayList<>();
    for (JsonNode p : panels()) {
      JsonNode g = p.path("gridPos");
      int[] b = {
        g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()
      };
      assertTrue(b[0] >= 0 && b[2] > 0 && b[0] + b[2] <= 24 && b[3] > 0, p.path("title").asText());
      for (int[] o : boxes) {
        boolean apart =
            b[0] + b[2] <= o[0]
                || o[0] + o[2] <= b[0]
                || b[1] + b[3] <= o[1]
                || o[1] + o[3] <= b[1];
        assertTrue(apart, p.path("title") + " overlaps another panel");
      }
      boxes.add(b);
    }
  }

  @Test
  void itShowsThroughputBatchingInferenceLatencyLagInFlightPausesAndReadiness() throws IOException {
    Set<String> used = new LinkedHashSet<>();
    Set<String> quantiles = new LinkedHashSet<>();
    for (String e : expressions()) {
      used.addAll(PromQl.metricNames(e));
      for (PromQl.Selector s : PromQl.selectors(e)) {
        if (s.metric().equals("inception_stream_latency_end_to_end")) {
          quantiles.add(s.exactLabels().get("quantile"));
        }
      }
    }
    assertTrue(
        used.containsAll(
            List.of(
                "inception_stream_records_in_total",
                "inception_stream_records_predicted_total",
                "inception_stream_records_dead_lettered_total",
                "inception_stream_batch_size",
                "inception_stream_inference_batch",
                "inception_stream_latency_end_to_end",
                "inception_stream_consumer_lag",
                "inception_stream_records_in_flight",
                "inception_stream_partitions_paused",
                "up")),
        used.toString());
    assertEquals(Set.of("0.5", "0.95", "0.99"), quantiles, "end-to-end latency percentiles");
  }

  @Test
  void theDashboardExistsOnceNotAsACopy() throws IOException {
    String text = Files.readString(DASHBOARD);
    List<Path> copies = new ArrayList<>();
    try (Stream<Path> all = Files.walk(DeployFiles.ROOT)) {
      for (Path p :
          all.filter(Files::isRegularFile)
              .filter(f -> !f.startsWith(DeployFiles.ROOT.resolve("target")))
              .filter(f -> !f.startsWith(DeployFiles.ROOT.resolve(".git")))
              .filter(f -> f.toString().matches(".*\\.(json|ya?ml)$"))
              .toList()) {
        if (!p.equals(DASHBOARD) && Files.readString(p).contains("\"uid\": \"inception-stream\"")) {
          copies.add(p);
        }
      }
    }
    assertEquals(List.of(), copies);
    assertTrue(text.contains("\"uid\": \"inception-stream\""));
  }
}
