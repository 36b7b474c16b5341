package io.inceptionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Prometheus files: the compose and Kubernetes scrape jobs and the alert rules. */
class PrometheusConfigTest {

  /** The scrape job the rules and the dashboard select. */
  static final String JOB = "inception-stream";

  static final Path RULES = DeployFiles.DEPLOY.resolve("prometheus/inception-stream.rules.yml");
  static final Path KUBERNETES_SCRAPE = DeployFiles.DEPLOY.resolve("prometheus/kubernetes.yml");

  static JsonNode job(JsonNode config, String name) {
    JsonNode found = null;
    for (JsonNode j : config.path("scrape_configs")) {
      if (j.path("job_name").asText().equals(name)) {
        found = j;
      }
    }
    assertNotNull(found, "scrape job " + name);
    return found;
  }

  /** Every alert rule by name. */
  static Map<String, JsonNode> alerts() throws IOException {
    Map<String, JsonNode> alerts = new LinkedHashMap<>();
    for (JsonNode g : DeployFiles.document(RULES).path("groups")) {
      for (JsonNode r : g.path("rules")) {
        if (alerts.put(r.path("alert").asText(), r) != null) {
          throw new AssertionError("two alerts named " + r.path("alert"));
        }
      }
    }
    return alerts;
  }

  @Test
  void theRulesAlertOnLagDeadLettersReadinessAndStalls() throws IOException {
    Map<String, JsonNode> alerts = alerts();
    assertEquals(
        Set.of(
            "InceptionStreamLagGrowing",
            "InceptionStreamDeadLetterRate",
            "InceptionStreamWorkerNotReady",
            "InceptionStreamNoPredictions"),
        alerts.keySet());
    for (var a : alerts.entrySet()) {
      JsonNode r = a.getValue();
      assertTrue(r.path("for").asText().matches("\\d+[smh]"), a.getKey() + " for");
      assertTrue(
          Set.of("warning", "critical").contains(r.path("labels").path("severity").asText()));
      assertFalse(r.path("annotations").path("summary").asText().isBlank());
      assertFalse(r.path("expr").asText().isBlank());
    }
    assertTrue(
        PromQl.metricNames(alerts.get("InceptionStreamLagGrowing").path("expr").asText())
            .contains("inception_stream_consumer_lag"));
    assertTrue(
        PromQl.metricNames(alerts.get("InceptionStreamDeadLetterRate").path("expr").asText())
            .contains("inception_stream_records_dead_lettered_total"));
    assertTrue(
        PromQl.metricNames(alerts.get("InceptionStreamWorkerNotReady").path("expr").asText())
            .contains("up"));
    assertTrue(
        PromQl.metricNames(alerts.get("InceptionStreamNoPredictions").path("expr").asText())
            .containsAll(
                List.of(
                    "inception_stream_records_predicted_total", "inception_stream_consumer_lag")));
  }

  @Test
  void everySelectorOfTheRulesPicksTheWorkersJob() throws IOException {
    List<String> wrong = new ArrayList<>();
    for (var a : alerts().entrySet()) {
      for (PromQl.Selector s : PromQl.selectors(a.getValue().path("expr").asText())) {
        if (!JOB.equals(s.exactLabels().get("job"))) {
          wrong.add(a.getKey() + ": " + s);
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void theKubernetesScrapeJobKeepsTheWorkerPodsByTheirAnnotations() throws IOException {
    JsonNode job = job(DeployFiles.document(KUBERNETES_SCRAPE), JOB);
    assertEquals("pod", job.path("kubernetes_sd_configs").get(0).path("role").asText());
    StatefulSet sts = KubernetesManifestsTest.statefulSet();
    Map<String, String> labels = sts.getSpec().getTemplate().getMetadata().getLabels();
    Map<String, String> annotations = sts.getSpec().getTemplate().getMetadata().getAnnotations();
    boolean keepsByLabel = false;
    for (JsonNode r : job.path("relabel_configs")) {
      for (JsonNode source : r.path("source_labels")) {
        String meta = source.asText();
        String annotation = "__meta_kubernetes_pod_annotation_";
        String label = "__meta_kubernetes_pod_label_";
        if (meta.startsWith(annotation)) {
          assertTrue(
              annotations.keySet().stream()
                  .anyMatch(k -> sanitized(k).equals(meta.substring(annotation.length()))),
              meta + " names no annotation of the pods");
        } else if (meta.startsWith(label)) {
          String value =
              labels.entrySet().stream()
                  .filter(e -> sanitized(e.getKey()).equals(meta.substring(label.length())))
                  .map(Map.Entry::getValue)
                  .findFirst()
                  .orElseThrow(() -> new AssertionError(meta + " names no label of the pods"));
          if (r.path("action").asText().equals("keep")) {
            assertTrue(value.matches(r.path("regex").asText()), meta + " keeps " + value);
            keepsByLabel = true;
          }
        }
      }
    }
    assertTrue(keepsByLabel, "keeps only the worker pods");
  }

  /** Kubernetes label and annotation names as Prometheus' service discovery spells them. */
  private static String sanitized(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]", "_");
  }
}
