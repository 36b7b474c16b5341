package io.inceptionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.inceptionstream.config.ConfigKey;
import io.inceptionstream.config.Durations;
import io.inceptionstream.config.WorkerConfigDef;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * The Kustomize base under deploy/k8s, read as Kubernetes would: each object strictly by its kind
 * (fabric8's model; unknown fields fail), KEDA's ScaledObject against an explicit list of fields,
 * and the values that must agree with the worker and with each other.
 */
class KubernetesManifestsTest {

  /** The kinds the base may hold, by apiVersion/kind, and the model class that reads each. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "apps/v1/StatefulSet", StatefulSet.class,
          "v1/Service", Service.class,
          "v1/ConfigMap", ConfigMap.class,
          "v1/Secret", Secret.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

  private static final String SCALED_OBJECT = "keda.sh/v1alpha1/ScaledObject";

  /** The worker's hook gives up this long after shutdown.timeout (cli/WorkerCommand). */
  private static final Duration WORKER_GIVES_UP_AFTER_DRAIN = Duration.ofSeconds(30);

  private static DeployFiles.Kustomization base;
  private static List<HasMetadata> objects;
  private static List<JsonNode> scaledObjects;

  /** Reads the base once; other test classes use it too, so it is not a {@code @BeforeAll}. */
  private static synchronized void read() throws IOException {
    if (base != null) {
      return;
    }
    DeployFiles.Kustomization k = DeployFiles.kustomization(DeployFiles.K8S);
    List<HasMetadata> typed = new ArrayList<>();
    List<JsonNode> scaled = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path file : k.allResourceFiles()) {
      for (JsonNode doc : DeployFiles.documents(file)) {
        String type = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
        if (type.equals(SCALED_OBJECT)) {
          scaled.add(doc);
        } else if (KINDS.containsKey(type)) {
          try {
            typed.add(DeployFiles.STRICT_YAML.treeToValue(doc, KINDS.get(type)));
          } catch (IOException e) {
            problems.add(file.getFileName() + " (" + type + "): " + e.getMessage());
          }
        } else {
          problems.add(file.getFileName() + ": unexpected " + type);
        }
      }
    }
    assertEquals(List.of(), problems);
    objects = typed;
    scaledObjects = scaled;
    base = k;
  }

  static DeployFiles.Kustomization base() {
    try {
      read();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return base;
  }

  @Test
  void everyObjectOfTheBaseReadsStrictlyAsItsKind() {
    base();
    assertEquals(
        Set.of(StatefulSet.class, Service.class, PodDisruptionBudget.class),
        objects.stream().map(Object::getClass).collect(java.util.stream.Collectors.toSet()));
    assertEquals(1, scaledObjects.size());
  }

  static <T extends HasMetadata> T one(Class<T> kind) {
    base();
    List<T> found = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    assertEquals(1, found.size(), "one " + kind.getSimpleName() + " in the base");
    return found.get(0);
  }

  static StatefulSet statefulSet() {
    return one(StatefulSet.class);
  }

  static PodSpec pod() {
    return statefulSet().getSpec().getTemplate().getSpec();
  }

  static Container worker() {
    List<Container> containers = pod().getContainers();
    assertEquals(1, containers.size());
    return containers.get(0);
  }

  /** The worker's environment: the generated ConfigMap's env file, then the container's env. */
  static Map<String, String> workerEnvironment() throws IOException {
    Map<String, String> env = new HashMap<>();
    for (var from : worker().getEnvFrom()) {
      assertNotNull(from.getConfigMapRef(), "envFrom a ConfigMap only");
      String name = from.getConfigMapRef().getName();
      DeployFiles.Kustomization k = base().declaring("configMapGenerator", name);
      JsonNode g = base().generators("configMapGenerator").get(name);
      assertTrue(g.path("files").isEmpty(), "envFrom reads the env form of a generator");
      for (Path f : k.generatorFiles(g).values()) {
        env.putAll(DeployFiles.envFile(f));
      }
    }
    for (var e : worker().getEnv()) {
      if (e.getValueFrom() != null) {
        assertEquals(
            "metadata.name",
            e.getValueFrom().getFieldRef().getFieldPath(),
            e.getName() + ": only the pod name comes from the downward API");
        env.put(e.getName(), statefulSet().getMetadata().getName() + "-0");
      } else {
        env.put(e.getName(), e.getValue());
      }
    }
    return env;
  }

  static String setting(Map<String, String> env, String key) {
    ConfigKey k = WorkerConfigDef.key(key);
    return env.getOrDefault(WorkerConfigDef.envName(key), k.defaultValue());
  }

  static JsonNode scaledObject() {
    base();
    assertEquals(1, scaledObjects.size(), "one ScaledObject");
    return scaledObjects.get(0);
  }

  @Test
  void theWorkerIdIsThePodNameSoStaticMembershipAndTransactionalIdsSurviveRestarts()
      throws IOException {
    var id =
        worker().getEnv().stream()
            .filter(e -> e.getName().equals(WorkerConfigDef.envName("worker.id")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("worker.id not set from the pod"));
    assertEquals("metadata.name", id.getValueFrom().getFieldRef().getFieldPath());
    assertTrue(
        Set.of("Parallel", "OrderedReady")
            .contains(statefulSet().getSpec().getPodManagementPolicy()));
    assertEquals(
        one(Service.class).getMetadata().getName(), statefulSet().getSpec().getServiceName());
    // the transactional id must follow the worker id, so nothing may pin it
    assertFalse(
        workerEnvironment().containsKey(WorkerConfigDef.envName("exactly-once.transactional-id")));
  }

  @Test
  void theScaledObjectOwnsTheReplicaCount() {
    assertEquals(
        null, statefulSet().getSpec().getReplicas(), "replicas would fight KEDA's autoscaler");
  }

  @Test
  void probesAskTheWorkersHealthPathsOnItsMetricsPort() throws IOException {
    Container c = worker();
    int metricsPort = Integer.parseInt(setting(workerEnvironment(), "metrics.port"));
    assertEquals(WorkerConfigDef.key("metrics.port").defaultValue(), String.valueOf(metricsPort));
    var ports = c.getPorts();
    assertEquals(1, ports.size());
    assertEquals(metricsPort, ports.get(0).getContainerPort());
    String portName = ports.get(0).getName();
    Map<String, Probe> probes = new HashMap<>();
    probes.put("readiness", c.getReadinessProbe());
    probes.put("liveness", c.getLivenessProbe());
    probes.put("startup", c.getStartupProbe());
    Map<String, String> expected =
        Map.of("readiness", "/health/ready", "liveness", "/health/live", "startup", "/health/live");
    for (var e : probes.entrySet()) {
      Probe p = e.getValue();
      assertNotNull(p, e.getKey() + " probe");
      assertEquals(expected.get(e.getKey()), p.getHttpGet().getPath(), e.getKey());
      var port = p.getHttpGet().getPort();
      assertTrue(
          portName.equals(port.getStrVal())
              || Integer.valueOf(metricsPort).equals(port.getIntVal()),
          e.getKey() + " probe port " + port);
      assertTrue(
          MetricsEndpoints.paths().contains(p.getHttpGet().getPath()),
          "MetricsServer serves " + p.getHttpGet().getPath());
    }
    // the scrape annotations point at the same port and path
    Map<String, String> annotations =
        statefulSet().getSpec().getTemplate().getMetadata().getAnnotations();
    assertEquals("true", annotations.get("prometheus.io/scrape"));
    assertEquals(String.valueOf(metricsPort), annotations.get("prometheus.io/port"));
    assertTrue(MetricsEndpoints.paths().contains(annotations.get("prometheus.io/path")));
    Service svc = one(Service.class);
    assertEquals("None", svc.getSpec().getClusterIP(), "headless");
    assertEquals(metricsPort, svc.getSpec().getPorts().get(0).getPort());
    assertEquals(portName, svc.getSpec().getPorts().get(0).getTargetPort().getStrVal());
  }

  @Test
  void theGracePeriodOutlastsTheDrainAndTheWorkersOwnDeadline() throws IOException {
    Duration drain = Durations.parse(setting(workerEnvironment(), "shutdown.timeout"));
    long grace = pod().getTerminationGracePeriodSeconds();
    assertTrue(
        grace > drain.plus(WORKER_GIVES_UP_AFTER_DRAIN).toSeconds(),
        "terminationGracePeriodSeconds " + grace + " after a drain of " + drain);
  }

  @Test
  void selectorsMatchThePodsLabels() {
    Map<String, String> labels = statefulSet().getSpec().getTemplate().getMetadata().getLabels();
    Map<String, String> sts = statefulSet().getSpec().getSelector().getMatchLabels();
    Map<String, String> pdb =
        one(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels();
    Map<String, String> svc = one(Service.class).getSpec().getSelector();
    for (Map<String, String> selector : List.of(sts, pdb, svc)) {
      assertFalse(selector.isEmpty());
      selector.forEach((k, v) -> assertEquals(v, labels.get(k), "label " + k));
    }
    var budget = one(PodDisruptionBudget.class).getSpec();
    assertEquals(1, budget.getMaxUnavailable().getIntVal(), "one worker at a time");
  }

  @Test
  void podsGetNoServiceLinkVariablesTheWorkerWouldRefuse() {
    // A Service named inception-stream makes INCEPTION_STREAM_SERVICE_HOST and the like, which
    // the worker reads as unknown configuration keys.
    assertEquals(Boolean.FALSE, pod().getEnableServiceLinks());
  }

  @Test
  void theKafkaClientPropertiesAreASecretFileThatTheWorkerIsToldToRead() throws IOException {
    List<String> args = worker().getArgs();
    int i = args.indexOf("--kafka-config");
    assertTrue(i >= 0 && i + 1 < args.size(), "worker args " + args);
    Path file = Path.of(args.get(i + 1));
    VolumeMount mount =
        worker().getVolumeMounts().stream()
            .filter(m -> file.startsWith(m.getMountPath()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("nothing mounted at " + file));
    assertEquals(Boolean.TRUE, mount.getReadOnly());
    var volume =
        pod().getVolumes().stream()
            .filter(v -> v.getName().equals(mount.getName()))
            .findFirst()
            .orElseThrow();
    assertNotNull(volume.getSecret(), "the client properties may hold credentials");
    String secret = volume.getSecret().getSecretName();
    JsonNode generator = base().generators("secretGenerator").get(secret);
    assertNotNull(generator, "secretGenerator " + secret);
    Map<String, Path> files = base().declaring("secretGenerator", secret).generatorFiles(generator);
    String key = Path.of(mount.getMountPath()).relativize(file).toString();
    assertTrue(files.containsKey(key), "the secret has key " + key + ": " + files.keySet());
    // and what it holds are Kafka client properties
    Properties props = new Properties();
    props.load(new StringReader(Files.readString(files.get(key))));
    assertFalse(props.isEmpty());
    for (String p : props.stringPropertyNames()) {
      assertTrue(
          ConsumerConfig.configNames().contains(p)
              || ProducerConfig.configNames().contains(p)
              || AdminClientConfig.configNames().contains(p),
          p + " is not a Kafka client property");
    }
  }

  @Test
  void theImageIsSetByKustomizeForTheWorkerContainer() {
    JsonNode images = base().spec().path("images");
    assertEquals(1, images.size());
    assertEquals(images.get(0).path("name").asText(), worker().getImage());
  }

  @Test
  void generatedConfigMapsForTheDashboardAndTheAlertsReadTheFilesComposeMounts()
      throws IOException {
    Map<String, JsonNode> maps = base().generators("configMapGenerator");
    Set<Path> mounted = ComposeStackTest.mountedFiles();
    for (String name : List.of("inception-stream-dashboard", "inception-stream-alerts")) {
      JsonNode g = maps.get(name);
      assertNotNull(g, "configMapGenerator " + name);
      for (Path f : base().declaring("configMapGenerator", name).generatorFiles(g).values()) {
        assertTrue(
            mounted.contains(f), f + " is generated into " + name + " but not mounted in compose");
      }
    }
    assertEquals(
        "1",
        maps.get("inception-stream-dashboard")
            .path("options")
            .path("labels")
            .path("grafana_dashboard")
            .asText(),
        "the label Grafana's dashboard sidecar looks for");
  }

  // --- KEDA ---

  /** The ScaledObject fields this base may use, from KEDA's CRD; "*" is any scalar. */
  private static final Map<String, Object> SCALED_OBJECT_FIELDS =
      Map.of(
          "apiVersion",
          "*",
          "kind",
          "*",
          "metadata",
          Map.of("name", "*", "labels", "**", "annotations", "**", "namespace", "*"),
          "spec",
          Map.of(
              "scaleTargetRef",
              Map.of("apiVersion", "*", "kind", "*", "name", "*", "envSourceContainerName", "*"),
              "pollingInterval",
              "*",
              "cooldownPeriod",
              "*",
              "initialCooldownPeriod",
              "*",
              "idleReplicaCount",
              "*",
              "minReplicaCount",
              "*",
              "maxReplicaCount",
              "*",
              "fallback",
              Map.of("failureThreshold", "*", "replicas", "*"),
              "advanced",
              Map.of(
                  "restoreToOriginalReplicaCount",
                  "*",
                  "horizontalPodAutoscalerConfig",
                  Map.of("name", "*", "behavior", "HorizontalPodAutoscalerBehavior")),
              "triggers",
              List.of(
                  Map.of(
                      "type", "*",
                      "name", "*",
                      "metadata", "**",
                      "metricType", "*",
                      "useCachedMetrics", "*",
                      "authenticationRef", Map.of("name", "*", "kind", "*")))));

  /** The kafka scaler's metadata keys (KEDA's Kafka scaler documentation). */
  private static final Set<String> KAFKA_TRIGGER_FIELDS =
      Set.of(
          "bootstrapServers",
          "consumerGroup",
          "topic",
          "partitionLimitation",
          "lagThreshold",
          "activationLagThreshold",
          "offsetResetPolicy",
          "allowIdleConsumers",
          "excludePersistentLag",
          "scaleToZeroOnInvalidOffset",
          "limitToPartitionsWithLag",
          "ensureEvenDistributionOfPartitions",
          "version",
          "sasl",
          "tls");

  private static void checkFields(JsonNode node, Object allowed, String path, List<String> out)
      throws IOException {
    if (allowed.equals("*")) {
      if (!node.isValueNode()) {
        out.add(path + ": expected a scalar");
      }
    } else if (allowed.equals("**")) {
      if (!node.isObject()) {
        out.add(path + ": expected a map");
      }
    } else if (allowed.equals("HorizontalPodAutoscalerBehavior")) {
      try {
        DeployFiles.STRICT_YAML.treeToValue(node, HorizontalPodAutoscalerBehavior.class);
      } catch (IOException e) {
        out.add(path + ": " + e.getMessage());
      }
    } else if (allowed instanceof List<?> items) {
      if (!node.isArray()) {
        out.add(path + ": expected a list");
      }
      for (int i = 0; i < node.size(); i++) {
        checkFields(node.get(i), items.get(0), path + "[" + i + "]", out);
      }
    } else if (allowed instanceof Map<?, ?> fields) {
      if (!node.isObject()) {
        out.add(path + ": expected a map");
        return;
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!fields.containsKey(f)) {
          out.add(path + "." + f + ": not a field here");
        } else {
          checkFields(node.get(f), fields.get(f), path + "." + f, out);
        }
      }
    }
  }

  @Test
  void theScaledObjectUsesOnlyFieldsKedaKnows() throws IOException {
    List<String> problems = new ArrayList<>();
    checkFields(scaledObject(), SCALED_OBJECT_FIELDS, "ScaledObject", problems);
    for (JsonNode t : scaledObject().path("spec").path("triggers")) {
      for (Map.Entry<String, JsonNode> f : t.path("metadata").properties()) {
        if (!KAFKA_TRIGGER_FIELDS.contains(f.getKey())) {
          problems.add("kafka trigger: unknown metadata " + f.getKey());
        }
        if (!f.getValue().isTextual()) {
          problems.add("kafka trigger: " + f.getKey() + " must be a string (quote it)");
        }
      }
    }
    assertEquals(List.of(), problems);
    // and a misspelt field is caught
    List<String> caught = new ArrayList<>();
    JsonNode misspelt =
        DeployFiles.YAML.readTree(
            "spec: {maxReplicas: 3, advanced: {horizontalPodAutoscalerConfig: {behavior: {scaleDown: {window: 1}}}}}");
    checkFields(misspelt, SCALED_OBJECT_FIELDS, "x", caught);
    assertEquals(2, caught.size(), caught.toString());
  }

  @Test
  void kedaScalesTheStatefulSetOnTheLagOfTheWorkersGroupAndInputTopic() throws IOException {
    JsonNode spec = scaledObject().path("spec");
    JsonNode target = spec.path("scaleTargetRef");
    assertEquals("apps/v1", target.path("apiVersion").asText());
    assertEquals("StatefulSet", target.path("kind").asText());
    assertEquals(statefulSet().getMetadata().getName(), target.path("name").asText());
    JsonNode triggers = spec.path("triggers");
    assertEquals(1, triggers.size());
    JsonNode kafka = triggers.get(0);
    assertEquals("kafka", kafka.path("type").asText());
    JsonNode m = kafka.path("metadata");
    Map<String, String> env = workerEnvironment();
    assertEquals(setting(env, "bootstrap-servers"), m.path("bootstrapServers").asText());
    assertEquals(setting(env, "group"), m.path("consumerGroup").asText());
    assertEquals(setting(env, "topics.input"), m.path("topic").asText());
    assertEquals("true", m.path("limitToPartitionsWithLag").asText());
    assertTrue(Integer.parseInt(m.path("lagThreshold").asText()) > 0);
    // KEDA refuses limitToPartitionsWithLag together with idle consumers
    assertFalse(m.path("allowIdleConsumers").asText("false").equals("true"));
  }

  @Test
  void neverMoreWorkersThanPartitions() throws IOException {
    int max = scaledObject().path("spec").path("maxReplicaCount").asInt();
    int min = scaledObject().path("spec").path("minReplicaCount").asInt(0);
    assertTrue(min >= 1 && min <= max, "min " + min + ", max " + max);
    int partitions = Integer.parseInt(WorkerConfigDef.key("topics.partitions").defaultValue());
    assertTrue(max <= partitions, "maxReplicaCount " + max + " > " + partitions + " partitions");
    assertTrue(
        max <= ComposeStackTest.topicPartitions(),
        "maxReplicaCount " + max + " > the partitions compose creates");
  }

  @Test
  void scalingInWaitsLongerThanADrain() {
    long grace = pod().getTerminationGracePeriodSeconds();
    JsonNode spec = scaledObject().path("spec");
    assertTrue(spec.path("cooldownPeriod").asLong() > grace, "cooldownPeriod");
    JsonNode down =
        spec.path("advanced")
            .path("horizontalPodAutoscalerConfig")
            .path("behavior")
            .path("scaleDown");
    assertTrue(
        down.path("stabilizationWindowSeconds").asLong() > grace, "scaleDown stabilization window");
    for (JsonNode p : down.path("policies")) {
      if (p.path("type").asText().equals("Pods")) {
        assertEquals(1, p.path("value").asInt(), "one worker at a time");
        assertTrue(p.path("periodSeconds").asLong() > grace, "one drain per period");
      } else {
        fail("scale-down policy of type " + p.path("type"));
      }
    }
  }
}
