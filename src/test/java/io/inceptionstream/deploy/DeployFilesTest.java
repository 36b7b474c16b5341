package io.inceptionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployFilesTest {

  @Test
  void everyYamlAndJsonFileOfTheDeploymentParses() throws IOException {
    List<Path> files = DeployFiles.yamlAndJsonFiles();
    List<String> broken = new ArrayList<>();
    for (Path f : files) {
      try {
        if (DeployFiles.documents(f).isEmpty()) {
          broken.add(f + ": empty");
        }
      } catch (IOException e) {
        broken.add(f + ": " + e.getMessage());
      }
    }
    assertEquals(List.of(), broken);
    // the files the other tests rely on are among them
    for (String name :
        List.of(
            "docker-compose.yml",
            "deploy/k8s/kustomization.yaml",
            "deploy/k8s/statefulset.yaml",
            "deploy/k8s/scaledobject.yaml",
            "deploy/prometheus/compose.yml",
            "deploy/prometheus/inception-stream.rules.yml",
            "deploy/grafana/inception-stream.json")) {
      assertTrue(files.contains(DeployFiles.ROOT.resolve(name)), name + " not found");
    }
  }

  @Test
  void aDuplicateKeyIsAnError(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("dup.yml"), "a: 1\nb: 2\na: 3\n");
    assertThrows(IOException.class, () -> DeployFiles.documents(f));
  }

  @Test
  void theStrictReaderRefusesAFieldKubernetesDoesNotKnow() throws IOException {
    String good =
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\n"
            + "spec: {template: {spec: {terminationGracePeriodSeconds: 5}}}\n";
    StatefulSet s = DeployFiles.STRICT_YAML.readValue(good, StatefulSet.class);
    assertEquals(5L, s.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());
    String misspelt = good.replace("terminationGracePeriodSeconds", "terminationGracePeriodSecond");
    assertThrows(
        IOException.class, () -> DeployFiles.STRICT_YAML.readValue(misspelt, StatefulSet.class));
    // fabric8 itself would have kept it in additionalProperties without a word
    StatefulSet lenient = DeployFiles.YAML.readValue(misspelt, StatefulSet.class);
    assertFalse(lenient.getSpec().getTemplate().getSpec().getAdditionalProperties().isEmpty());
  }

  @Test
  void composeDefaultsAreInterpolatedAndAVariableWithoutOneIsRefused() {
    assertEquals("--partitions 6", DeployFiles.interpolateDefaults("--partitions ${P:-6}"));
    assertEquals("x-y", DeployFiles.interpolateDefaults("${A-x}-${B:-y}"));
    assertEquals(Map.of("P", "6"), DeployFiles.interpolatedVariables("${P:-6}"));
    assertThrows(AssertionError.class, () -> DeployFiles.interpolateDefaults("${P}"));
  }

  @Test
  void theKustomizeBaseResolvesToFilesThatExist() throws IOException {
    DeployFiles.Kustomization base = DeployFiles.kustomization(DeployFiles.K8S);
    List<Path> resources = base.allResourceFiles();
    assertFalse(resources.isEmpty());
    resources.forEach(p -> assertTrue(Files.isRegularFile(p), p.toString()));
    for (DeployFiles.Kustomization k : base.all()) {
      for (String kind : List.of("configMapGenerator", "secretGenerator")) {
        for (JsonNode g : k.spec().path(kind)) {
          assertFalse(k.generatorFiles(g).isEmpty(), kind + " " + g.path("name") + " has no input");
        }
      }
    }
  }

  @Test
  void theOldSingleFileManifestIsGoneSoNothingIsDeclaredTwice() throws IOException {
    assertFalse(Files.exists(DeployFiles.DEPLOY.resolve("kubernetes.yaml")));
    // every Kubernetes manifest under deploy/ is part of the base
    List<Path> listed = DeployFiles.kustomization(DeployFiles.K8S).allResourceFiles();
    try (Stream<Path> all = Files.walk(DeployFiles.DEPLOY)) {
      for (Path p : all.filter(f -> f.toString().matches(".*\\.ya?ml$")).toList()) {
        for (JsonNode doc : DeployFiles.documents(p)) {
          if (doc.has("apiVersion")
              && doc.has("kind")
              && !doc.path("kind").asText().equals("Kustomization")) {
            assertTrue(listed.contains(p), p + " is a manifest the kustomization does not list");
          }
        }
      }
    }
  }
}
