package io.inceptionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.inceptionstream.cli.Main;
import io.inceptionstream.config.ConfigKey;
import io.inceptionstream.config.WorkerConfig;
import io.inceptionstream.config.WorkerConfigDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What the deployment tells the worker, checked against the worker itself: every {@code
 * INCEPTION_STREAM_*} variable and {@code --set} key is a declared configuration key, each worker's
 * environment is a valid configuration, and every command-line flag exists in the picocli spec of
 * its command.
 */
class DeploymentConfigTest {

  private static final Pattern VARIABLE = Pattern.compile("\\bINCEPTION_STREAM_[A-Z0-9_]+\\b");
  private static final String KAFKA_VARIABLES = WorkerConfigDef.ENV_PREFIX + "KAFKA_";

  /** The text files of the deployment: compose, and everything under deploy/. */
  static List<Path> textFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(DeployFiles.COMPOSE);
    try (Stream<Path> all = Files.walk(DeployFiles.DEPLOY)) {
      all.filter(Files::isRegularFile).sorted().forEach(files::add);
    }
    return files;
  }

  /** One command line the deployment runs, where it comes from, and its arguments. */
  record Invocation(String where, List<String> args) {}

  static List<Invocation> invocations() throws IOException {
    List<Invocation> all = new ArrayList<>();
    for (var s : ComposeStackTest.services().entrySet()) {
      if (s.getValue().has("build")) {
        List<String> cmd = DeployFiles.command(s.getValue());
        if (!cmd.isEmpty()) {
          all.add(new Invocation("docker-compose.yml service " + s.getKey(), cmd));
        }
      }
    }
    Container worker = KubernetesManifestsTest.worker();
    assertTrue(
        worker.getCommand() == null || worker.getCommand().isEmpty(),
        "the image's entrypoint runs bin/inception-stream");
    all.add(new Invocation("deploy/k8s/statefulset.yaml container worker", worker.getArgs()));
    return all;
  }

  @Test
  void everyInceptionStreamVariableIsADeclaredKeyOrAKafkaProperty() throws IOException {
    Set<String> declared =
        WorkerConfigDef.keys().stream()
            .map(ConfigKey::name)
            .map(WorkerConfigDef::envName)
            .collect(Collectors.toSet());
    Set<String> unknown = new TreeSet<>();
    int seen = 0;
    for (Path f : textFiles()) {
      Matcher m = VARIABLE.matcher(Files.readString(f));
      while (m.find()) {
        seen++;
        String v = m.group();
        if (!declared.contains(v) && !v.startsWith(KAFKA_VARIABLES)) {
          unknown.add(v + " in " + DeployFiles.ROOT.relativize(f));
        }
      }
    }
    assertTrue(seen > 5, "found the variables at all");
    assertEquals(Set.of(), unknown);
  }

  @Test
  void everySetFlagNamesADeclaredKey() throws IOException {
    List<String> unknown = new ArrayList<>();
    for (Invocation i : invocations()) {
      for (int a = 0; a < i.args().size() - 1; a++) {
        if (i.args().get(a).equals("--set")) {
          String key = i.args().get(a + 1).split("=", 2)[0];
          if (WorkerConfigDef.find(key).isEmpty() && !key.startsWith("kafka.")) {
            unknown.add(key + " (" + i.where() + ")");
          }
        }
      }
    }
    assertEquals(List.of(), unknown);
  }

  /** The ENV lines of a Dockerfile that set worker settings. */
  static Map<String, String> dockerfileEnvironment(Path dockerfile) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile("\\b(INCEPTION_STREAM_[A-Z0-9_]+)=(\\S+)")
            .matcher(Files.readString(dockerfile));
    while (m.find()) {
      env.put(m.group(1), m.group(2));
    }
    return env;
  }

  @Test
  void everyWorkersEnvironmentIsAValidConfiguration() throws IOException {
    Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    for (var w : ComposeStackTest.workerServices().entrySet()) {
      Map<String, String> env = new HashMap<>();
      JsonNode build = w.getValue().path("build");
      env.putAll(
          dockerfileEnvironment(
              DeployFiles.ROOT
                  .resolve(build.path("context").asText())
                  .resolve(build.path("dockerfile").asText())));
      env.putAll(DeployFiles.environment(w.getValue()));
      environments.put("compose " + w.getKey(), env);
    }
    environments.put("kubernetes", KubernetesManifestsTest.workerEnvironment());
    assertTrue(environments.size() >= 3);
    for (var e : environments.entrySet()) {
      assertFalse(e.getValue().isEmpty(), e.getKey());
      WorkerConfig config =
          assertDoesNotThrow(() -> WorkerConfig.load(null, e.getValue(), Map.of()), e.getKey());
      assertEquals("kafka:9092", config.bootstrapServers(), e.getKey());
    }
  }

  /** The (sub)command an argument list runs, and the index of its first own argument. */
  private static Map.Entry<CommandLine, Integer> command(List<String> args) {
    CommandLine cl = new CommandLine(new Main());
    int i = 0;
    while (i < args.size() && cl.getSubcommands().containsKey(args.get(i))) {
      cl = cl.getSubcommands().get(args.get(i));
      i++;
    }
    assertTrue(i > 0, "no command in " + args);
    return Map.entry(cl, i);
  }

  private static List<String> missingFlags(List<String> args) {
    var c = command(args);
    List<String> missing = new ArrayList<>();
    for (String a : args.subList(c.getValue(), args.size())) {
      if (a.startsWith("-")) {
        String flag = a.split("=", 2)[0];
        if (c.getKey().getCommandSpec().findOption(flag) == null) {
          missing.add(flag);
        }
      }
    }
    return missing;
  }

  @Test
  void everyFlagExistsInItsCommand() throws IOException {
    // Until --kafka-config lands in the worker command, this names it (and only it).
    List<String> missing = new ArrayList<>();
    for (Invocation i : invocations()) {
      for (String flag : missingFlags(i.args())) {
        missing.add(flag + " (" + i.where() + ": " + String.join(" ", i.args()) + ")");
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void everyCommandParsesWithItsValues() throws IOException {
    int parsed = 0;
    for (Invocation i : invocations()) {
      if (missingFlags(i.args()).isEmpty()) {
        CommandLine cl = new CommandLine(new Main());
        assertDoesNotThrow(() -> cl.parseArgs(i.args().toArray(String[]::new)), i.where());
        parsed++;
      }
    }
    assertTrue(parsed >= 3, "parsed " + parsed + " command lines");
  }
}
