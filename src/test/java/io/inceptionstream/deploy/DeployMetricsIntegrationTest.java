package io.inceptionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.pipeline.Worker;
import io.inceptionstream.testing.ChildProcessKafka;
import io.inceptionstream.testing.NoLeaksExtension;
import io.inceptionstream.testing.TestModels;
import io.inceptionstream.testing.Workers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard, the alert rules and the probes against a real worker on a real broker: every
 * metric they use is in the worker's /metrics (Prometheus' own series such as {@code up} aside),
 * every exact label value they ask for is there too, and every health path they probe answers 200
 * once the worker is ready.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NoLeaksExtension.class)
class DeployMetricsIntegrationTest {

  /** Series Prometheus makes itself for every target; the only ones not from the worker. */
  private static final Set<String> PROMETHEUS_SERIES =
      Set.of(
          "up",
          "scrape_duration_seconds",
          "scrape_samples_scraped",
          "scrape_samples_post_metric_relabeling",
          "scrape_series_added");

  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})?\\s+\\S+");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  ChildProcessKafka kafka;
  Worker worker;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Sample name → the label sets of its samples, from the worker's /metrics. */
  final Map<String, List<Map<String, String>>> samples = new LinkedHashMap<>();

  @BeforeAll
  void startWorker() throws Exception {
    kafka = ChildProcessKafka.start(Files.createTempDirectory("deploy-metrics").resolve("kafka"));
    ModelDirectory model = TestModels.random();
    Map<String, String> extra = new HashMap<>();
    extra.put("topics.create", "true");
    extra.put("topics.partitions", "2");
    extra.put("batch.max-size", "4");
    extra.put("pipeline.max-in-flight", "16");
    extra.put("pipeline.resume-below", "8");
    worker = Workers.start(kafka.bootstrapServers(), model, "deploy-metrics", "deploy-w1", extra);
    long until = System.nanoTime() + TIMEOUT.toNanos();
    while (!worker.ready() && System.nanoTime() < until) {
      Thread.sleep(200);
    }
    assertTrue(worker.ready(), "worker ready within " + TIMEOUT);
    String text = get("/metrics").body();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (line.startsWith("#") || !m.find()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
    }
    assertTrue(samples.size() > 10, "parsed the scrape: " + samples.keySet());
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (worker != null) {
        assertEquals(0, Workers.stop(worker));
      }
    } finally {
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.metricsPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Every expression the deployment evaluates, by where it is. */
  static Map<String, String> expressions() throws Exception {
    Map<String, String> exprs = new LinkedHashMap<>();
    List<String> dashboard = GrafanaDashboardTest.expressions();
    for (int i = 0; i < dashboard.size(); i++) {
      exprs.put("dashboard query " + i, dashboard.get(i));
    }
    PrometheusConfigTest.alerts()
        .forEach((name, rule) -> exprs.put("alert " + name, rule.path("expr").asText()));
    return exprs;
  }

  @Test
  void everyMetricOfTheDashboardAndTheAlertsIsInTheWorkersMetrics() throws Exception {
    Set<String> missing = new TreeSet<>();
    Set<String> used = new LinkedHashSet<>();
    for (var e : expressions().entrySet()) {
      for (String name : PromQl.metricNames(e.getValue())) {
        used.add(name);
        if (!samples.containsKey(name) && !PROMETHEUS_SERIES.contains(name)) {
          missing.add(name + " (" + e.getKey() + ")");
        }
      }
    }
    assertTrue(used.size() > 8, "found the metrics at all: " + used);
    assertEquals(Set.of(), missing, "not in /metrics, whose names are " + samples.keySet());
  }

  @Test
  void everyExactLabelValueTheyAskForExists() throws Exception {
    Set<String> missing = new TreeSet<>();
    for (var e : expressions().entrySet()) {
      for (PromQl.Selector s : PromQl.selectors(e.getValue())) {
        Map<String, String> wanted = new HashMap<>(s.exactLabels());
        // target labels Prometheus adds, and Grafana variables
        wanted.keySet().removeAll(Set.of("job", "instance", "namespace", "pod"));
        wanted.values().removeIf(v -> v.contains("$"));
        if (wanted.isEmpty() || PROMETHEUS_SERIES.contains(s.metric())) {
          continue;
        }
        boolean found =
            samples.getOrDefault(s.metric(), List.of()).stream()
                .anyMatch(labels -> labels.entrySet().containsAll(wanted.entrySet()));
        if (!found) {
          missing.add(s.metric() + wanted + " (" + e.getKey() + ")");
        }
      }
    }
    assertEquals(Set.of(), missing);
  }

  @Test
  void everyPathTheDeploymentAsksForAnswersOnceTheWorkerIsReady() throws Exception {
    Set<String> paths = new LinkedHashSet<>();
    var c = KubernetesManifestsTest.worker();
    for (var probe : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
      paths.add(probe.getHttpGet().getPath());
    }
    paths.add(
        KubernetesManifestsTest.statefulSet()
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get("prometheus.io/path"));
    paths.add(ComposeStackTest.healthCheck(DeployFiles.service("worker")).path());
    paths.add(
        PrometheusConfigTest.job(
                DeployFiles.document(DeployFiles.DEPLOY.resolve("prometheus/compose.yml")),
                PrometheusConfigTest.JOB)
            .path("metrics_path")
            .asText("/metrics"));
    assertTrue(
        paths.containsAll(List.of("/health/ready", "/health/live", "/metrics")), paths.toString());
    for (String p : paths) {
      assertEquals(200, get(p).statusCode(), p);
    }
  }
}
