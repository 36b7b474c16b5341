package io.inceptionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inceptionstream.config.Durations;
import io.inceptionstream.config.WorkerConfigDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: the services, what they mount, and what must agree with the worker. */
class ComposeStackTest {

  /** The worker's hook gives up this long after shutdown.timeout (cli/WorkerCommand). */
  private static final Duration WORKER_GIVES_UP_AFTER_DRAIN = Duration.ofSeconds(30);

  /** Services by name. */
  static Map<String, JsonNode> services() throws IOException {
    Map<String, JsonNode> services = new LinkedHashMap<>();
    DeployFiles.compose()
        .path("services")
        .properties()
        .forEach(f -> services.put(f.getKey(), f.getValue()));
    return services;
  }

  /** The services that run the worker command. */
  static Map<String, JsonNode> workerServices() throws IOException {
    Map<String, JsonNode> workers = new LinkedHashMap<>();
    for (var s : services().entrySet()) {
      List<String> cmd = DeployFiles.command(s.getValue());
      if (!cmd.isEmpty() && cmd.get(0).equals("worker")) {
        workers.put(s.getKey(), s.getValue());
      }
    }
    return workers;
  }

  /** A bind mount of a compose service: the file here and where the container sees it. */
  record Mount(Path source, String target) {}

  static List<Mount> mounts(JsonNode service) {
    List<Mount> mounts = new ArrayList<>();
    for (JsonNode v : service.path("volumes")) {
      String[] parts = v.asText().split(":");
      assertTrue(parts.length >= 2 && parts[0].startsWith("./"), "bind mount " + v.asText());
      mounts.add(new Mount(DeployFiles.ROOT.resolve(parts[0]).normalize(), parts[1]));
    }
    return mounts;
  }

  /** Every file compose bind-mounts into a container. */
  static Set<Path> mountedFiles() throws IOException {
    Set<Path> files = new LinkedHashSet<>();
    for (JsonNode s : services().values()) {
      mounts(s).forEach(m -> files.add(m.source()));
    }
    return files;
  }

  /** The partitions the topic creator makes when TOPIC_PARTITIONS is not set. */
  static int topicPartitions() throws IOException {
    List<String> cmd = DeployFiles.command(DeployFiles.service("topics"));
    int i = cmd.indexOf("--partitions");
    assertTrue(i > 0, "topics create --partitions");
    return Integer.parseInt(cmd.get(i + 1));
  }

  @Test
  void aKraftBrokerATopicCreatorWorkersPrometheusAndGrafana() throws IOException {
    Map<String, JsonNode> services = services();
    for (String name : List.of("kafka", "topics", "worker", "prometheus", "grafana")) {
      assertTrue(services.containsKey(name), name);
      assertFalse(services.get(name).has("profiles"), name + " runs by default");
    }
    assertEquals(
        "broker,controller",
        DeployFiles.environment(services.get("kafka")).get("KAFKA_PROCESS_ROLES"),
        "one KRaft node");
    assertEquals(
        List.of("topics", "create"), DeployFiles.command(services.get("topics")).subList(0, 2));
    assertEquals(
        "service_completed_successfully",
        services.get("worker").path("depends_on").path("topics").path("condition").asText());
  }

  @Test
  void imagesArePinnedAndDockerfilesExist() throws IOException {
    for (var s : services().entrySet()) {
      JsonNode svc = s.getValue();
      if (svc.has("image")) {
        String image = svc.path("image").asText();
        assertTrue(
            image.matches("[a-z0-9./-]+:[A-Za-z0-9._-]+") && !image.endsWith(":latest"),
            s.getKey() + ": pin a tag: " + image);
      } else {
        JsonNode build = svc.path("build");
        Path dockerfile =
            DeployFiles.ROOT
                .resolve(build.path("context").asText())
                .resolve(build.path("dockerfile").asText("Dockerfile"));
        assertTrue(Files.isRegularFile(dockerfile), s.getKey() + ": " + dockerfile);
      }
    }
  }

  @Test
  void partitionsAreAVariableDefaultingToTheWorkersDefault() throws IOException {
    String raw = null;
    JsonNode cmd = DeployFiles.service("topics").path("command");
    for (int i = 0; i < cmd.size() - 1; i++) {
      if (cmd.get(i).asText().equals("--partitions")) {
        raw = cmd.get(i + 1).asText();
      }
    }
    assertNotNull(raw);
    Map<String, String> vars = DeployFiles.interpolatedVariables(raw);
    assertEquals(1, vars.size(), "one variable sets the partitions: " + raw);
    assertFalse(
        vars.keySet().iterator().next().startsWith(WorkerConfigDef.ENV_PREFIX),
        "a compose variable, not a worker setting");
    assertEquals(
        WorkerConfigDef.key("topics.partitions").defaultValue(), vars.values().iterator().next());
    assertEquals(6, topicPartitions());
  }

  @Test
  void workersScaleWithDistinctIdsFromTheirHostNames() throws IOException {
    Map<String, JsonNode> workers = workerServices();
    assertTrue(workers.containsKey("worker"));
    for (var w : workers.entrySet()) {
      JsonNode svc = w.getValue();
      // each of these would give every replica the same name, or refuse --scale
      for (String fixed : List.of("container_name", "hostname", "ports")) {
        assertFalse(svc.has(fixed), w.getKey() + " must not set " + fixed);
      }
      Map<String, String> env = DeployFiles.environment(svc);
      assertFalse(
          env.containsKey(WorkerConfigDef.envName("worker.id")),
          "worker.id defaults to the host name, distinct per container");
      assertFalse(env.containsKey(WorkerConfigDef.envName("exactly-once.transactional-id")));
      assertEquals("", WorkerConfigDef.key("worker.id").defaultValue());
    }
  }

  @Test
  void workersGetLongerThanTheirDrainToStop() throws IOException {
    for (var w : workerServices().entrySet()) {
      Map<String, String> env = DeployFiles.environment(w.getValue());
      Duration drain =
          Durations.parse(
              env.getOrDefault(
                  WorkerConfigDef.envName("shutdown.timeout"),
                  WorkerConfigDef.key("shutdown.timeout").defaultValue()));
      Duration grace = composeDuration(w.getValue().path("stop_grace_period").asText("10s"));
      assertTrue(
          grace.compareTo(drain.plus(WORKER_GIVES_UP_AFTER_DRAIN)) > 0,
          w.getKey() + ": stop_grace_period " + grace + " after a drain of " + drain);
    }
  }

  private static Duration composeDuration(String text) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text);
    assertTrue(m.matches(), text);
    return Durations.parse(text);
  }

  /** The port and path a worker's healthcheck asks. */
  record HealthCheck(int port, String path) {}

  static HealthCheck healthCheck(JsonNode worker) {
    String test =
        String.join(
            " ",
            DeployFiles.YAML.convertValue(worker.path("healthcheck").path("test"), String[].class));
    Matcher port = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+)").matcher(test);
    Matcher path = Pattern.compile("GET (\\S+) HTTP/1\\.[01]").matcher(test);
    assertTrue(port.find() && path.find(), "healthcheck " + test);
    return new HealthCheck(Integer.parseInt(port.group(1)), path.group(1));
  }

  @Test
  void theHealthcheckAsksForReadinessOnTheMetricsPort() throws IOException {
    HealthCheck h = healthCheck(DeployFiles.service("worker"));
    assertEquals(Integer.parseInt(WorkerConfigDef.key("metrics.port").defaultValue()), h.port());
    assertEquals("/health/ready", h.path());
    assertTrue(MetricsEndpoints.paths().contains(h.path()));
  }

  @Test
  void thePublisherAndGpuWorkersAreProfiles() throws IOException {
    JsonNode publisher = DeployFiles.service("publisher");
    assertEquals("publisher", publisher.path("profiles").get(0).asText());
    List<String> cmd = DeployFiles.command(publisher);
    assertEquals("publish", cmd.get(0));
    assertTrue(Integer.parseInt(cmd.get(cmd.indexOf("--shapes") + 1)) > 0);
    JsonNode gpu = DeployFiles.service("worker-gpu");
    assertEquals("gpu", gpu.path("profiles").get(0).asText());
    assertTrue(workerServices().containsKey("worker-gpu"));
    assertEquals(
        "pytorch",
        DeployFiles.environment(gpu).get(WorkerConfigDef.envName("inference.engine")),
        "worker-gpu is the PyTorch engine (README, GPU section)");
    JsonNode devices = gpu.path("deploy").path("resources").path("reservations").path("devices");
    assertEquals("gpu", devices.get(0).path("capabilities").get(0).asText());
    assertEquals("deploy/Dockerfile.gpu-pytorch", gpu.path("build").path("dockerfile").asText());
    JsonNode mxnet = DeployFiles.service("worker-gpu-mxnet");
    assertEquals("gpu", mxnet.path("profiles").get(0).asText());
    assertTrue(workerServices().containsKey("worker-gpu-mxnet"));
    assertEquals(
        "mxnet", DeployFiles.environment(mxnet).get(WorkerConfigDef.envName("inference.engine")));
    assertEquals("deploy/Dockerfile.gpu-mxnet", mxnet.path("build").path("dockerfile").asText());
    assertEquals(
        "gpu",
        mxnet
            .path("deploy")
            .path("resources")
            .path("reservations")
            .path("devices")
            .get(0)
            .path("capabilities")
            .get(0)
            .asText());
  }

  @Test
  void everyMountedFileExists() throws IOException {
    Set<Path> files = mountedFiles();
    assertFalse(files.isEmpty());
    files.forEach(f -> assertTrue(Files.isRegularFile(f), f.toString()));
  }

  @Test
  void prometheusFindsEveryWorkerServiceByDnsOnTheMetricsPort() throws IOException {
    JsonNode prometheus = DeployFiles.service("prometheus");
    Map<String, Path> byTarget = new LinkedHashMap<>();
    mounts(prometheus).forEach(m -> byTarget.put(m.target(), m.source()));
    Path config = byTarget.get("/etc/prometheus/prometheus.yml");
    assertNotNull(config, "the image's default config path is mounted");
    JsonNode cfg = DeployFiles.document(config);
    JsonNode job = PrometheusConfigTest.job(cfg, PrometheusConfigTest.JOB);
    assertEquals("/metrics", job.path("metrics_path").asText("/metrics"));
    assertTrue(MetricsEndpoints.paths().contains(job.path("metrics_path").asText("/metrics")));
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode sd : job.path("dns_sd_configs")) {
      assertEquals("A", sd.path("type").asText());
      assertEquals(
          Integer.parseInt(WorkerConfigDef.key("metrics.port").defaultValue()),
          sd.path("port").asInt());
      sd.path("names").forEach(n -> names.add(n.asText()));
    }
    assertEquals(
        workerServices().keySet(), names, "every service running a worker, and only those");
    // the rules file is where rule_files looks
    List<String> globs = new ArrayList<>();
    cfg.path("rule_files").forEach(r -> globs.add(r.asText()));
    boolean found = false;
    for (var m : byTarget.entrySet()) {
      for (String glob : globs) {
        if (java.nio.file.FileSystems.getDefault()
            .getPathMatcher("glob:" + glob)
            .matches(Path.of(m.getKey()))) {
          assertEquals(PrometheusConfigTest.RULES, m.getValue());
          found = true;
        }
      }
    }
    assertTrue(found, "rule_files " + globs + " match no mounted file");
  }

  @Test
  void grafanaGetsThePrometheusDataSourceAndTheDashboard() throws IOException {
    JsonNode grafana = DeployFiles.service("grafana");
    Map<String, Path> byTarget = new LinkedHashMap<>();
    mounts(grafana).forEach(m -> byTarget.put(m.target(), m.source()));
    Path datasources = null;
    Path providers = null;
    for (var m : byTarget.entrySet()) {
      if (m.getKey().startsWith("/etc/grafana/provisioning/datasources/")) {
        datasources = m.getValue();
      } else if (m.getKey().startsWith("/etc/grafana/provisioning/dashboards/")) {
        providers = m.getValue();
      }
    }
    assertNotNull(datasources, "a provisioned data source");
    assertNotNull(providers, "a provisioned dashboard provider");
    JsonNode ds = DeployFiles.document(datasources).path("datasources").get(0);
    assertEquals("prometheus", ds.path("type").asText());
    String prometheusPort =
        DeployFiles.service("prometheus").path("ports").get(0).asText().split(":")[1];
    assertEquals("http://prometheus:" + prometheusPort, ds.path("url").asText());
    String folder =
        DeployFiles.document(providers)
            .path("providers")
            .get(0)
            .path("options")
            .path("path")
            .asText();
    Path dashboard = null;
    for (var m : byTarget.entrySet()) {
      if (m.getKey().startsWith(folder + "/") && m.getKey().endsWith(".json")) {
        dashboard = m.getValue();
      }
    }
    assertEquals(GrafanaDashboardTest.DASHBOARD, dashboard, "the dashboard is in " + folder);
    for (Iterator<String> it = DeployFiles.environment(grafana).keySet().iterator();
        it.hasNext(); ) {
      String key = it.next();
      assertTrue(key.startsWith("GF_"), key);
    }
  }
}
