package io.inceptionstream.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The deployment files as the tests read them: docker-compose.yml and everything under deploy/,
 * parsed with Jackson (duplicate keys are errors), the Kustomize base resolved to its resource
 * files and generator inputs, and Kubernetes objects read strictly. Paths are relative to the
 * project root, where Maven runs the tests. Stateless.
 */
final class DeployFiles {

  static final Path ROOT = Path.of("").toAbsolutePath();
  static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
  static final Path DEPLOY = ROOT.resolve("deploy");
  static final Path K8S = DEPLOY.resolve("k8s");

  /** YAML, with duplicate keys refused (YAML would otherwise keep the last one silently). */
  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

  static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * Reads fabric8's model classes strictly: they collect unknown fields in an any-setter ({@code
   * additionalProperties}), which this mapper ignores, so an unknown field is an error.
   */
  static final ObjectMapper STRICT_YAML =
      new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setAnnotationIntrospector(
              new JacksonAnnotationIntrospector() {
                private static final long serialVersionUID = 1L;

                @Override
                public Boolean hasAnySetter(Annotated a) {
                  return Boolean.FALSE;
                }
              });

  private DeployFiles() {}

  /** Every YAML and JSON file of the deployment: docker-compose.yml and those under deploy/. */
  static List<Path> yamlAndJsonFiles() {
    List<Path> files = new ArrayList<>();
    files.add(COMPOSE);
    try (Stream<Path> all = Files.walk(DEPLOY)) {
      all.filter(Files::isRegularFile)
          .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
          .sorted()
          .forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Every document of a YAML file (a JSON file is one YAML document too). */
  static List<JsonNode> documents(Path file) throws IOException {
    ObjectMapper mapper = file.toString().endsWith(".json") ? JSON : YAML;
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        mapper.readerFor(JsonNode.class).readValues(file.toFile())) {
      // hasNextValue/nextValue report a bad document as the IOException it is
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  /** The one document of a YAML or JSON file. */
  static JsonNode document(Path file) throws IOException {
    List<JsonNode> docs = documents(file);
    if (docs.size() != 1) {
      throw new AssertionError(file + " holds " + docs.size() + " documents, expected one");
    }
    return docs.get(0);
  }

  static JsonNode compose() throws IOException {
    return document(COMPOSE);
  }

  /** A compose service by name. */
  static JsonNode service(String name) throws IOException {
    JsonNode s = compose().path("services").path(name);
    if (s.isMissingNode()) {
      throw new AssertionError("docker-compose.yml has no service " + name);
    }
    return s;
  }

  private static final Pattern INTERPOLATION =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\\}");

  /**
   * A compose value with each {@code ${VAR:-default}} replaced by its default, as compose does when
   * the variable is not set; a variable without a default is an error here.
   */
  static String interpolateDefaults(String value) {
    Matcher m = INTERPOLATION.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      if (m.group(2) == null) {
        throw new AssertionError("${" + m.group(1) + "} has no default in: " + value);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(2)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The variables a compose value interpolates, with their defaults. */
  static Map<String, String> interpolatedVariables(String value) {
    Map<String, String> vars = new LinkedHashMap<>();
    Matcher m = INTERPOLATION.matcher(value);
    while (m.find()) {
      vars.put(m.group(1), m.group(2));
    }
    return vars;
  }

  /** A compose service's command as a list, defaults interpolated; empty when it has none. */
  static List<String> command(JsonNode service) {
    List<String> args = new ArrayList<>();
    JsonNode c = service.path("command");
    if (c.isTextual()) {
      throw new AssertionError("write commands as lists, not shell strings: " + c.asText());
    }
    c.forEach(a -> args.add(interpolateDefaults(a.asText())));
    return args;
  }

  /** A compose service's environment as a map (the map form; the list form is refused). */
  static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode e = service.path("environment");
    if (e.isArray()) {
      throw new AssertionError("write environment as a map: " + e);
    }
    e.properties().forEach(f -> env.put(f.getKey(), f.getValue().asText()));
    return env;
  }

  /** A key=value file as Kustomize reads env files: '#' comments and blank lines skipped. */
  static Map<String, String> envFile(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw new AssertionError(file + ": not KEY=VALUE: " + line);
      }
      if (env.put(l.substring(0, eq), l.substring(eq + 1)) != null) {
        throw new AssertionError(file + ": " + l.substring(0, eq) + " set twice");
      }
    }
    return env;
  }

  /** The Kustomize base, resolved: its resources, nested kustomizations and generator inputs. */
  static Kustomization kustomization(Path dir) throws IOException {
    return Kustomization.read(dir);
  }

  /** A kustomization directory read the way {@code kustomize build} would, without running it. */
  record Kustomization(
      Path dir, JsonNode spec, List<Path> resourceFiles, List<Kustomization> nested) {

    static Kustomization read(Path dir) throws IOException {
      Path file = dir.resolve("kustomization.yaml");
      if (!Files.isRegularFile(file)) {
        throw new AssertionError("no kustomization.yaml in " + dir);
      }
      JsonNode spec = document(file);
      List<Path> files = new ArrayList<>();
      List<Kustomization> nested = new ArrayList<>();
      for (JsonNode r : spec.path("resources")) {
        Path p = dir.resolve(r.asText()).normalize();
        if (Files.isDirectory(p)) {
          nested.add(read(p));
        } else if (Files.isRegularFile(p)) {
          files.add(p);
        } else {
          throw new AssertionError(file + " lists " + r.asText() + ", which does not exist");
        }
      }
      return new Kustomization(dir, spec, files, nested);
    }

    /** This kustomization and those below it, depth first. */
    List<Kustomization> all() {
      List<Kustomization> all = new ArrayList<>();
      all.add(this);
      nested.forEach(n -> all.addAll(n.all()));
      return all;
    }

    /** Every resource file of this and the nested kustomizations. */
    List<Path> allResourceFiles() {
      List<Path> all = new ArrayList<>();
      all().forEach(k -> all.addAll(k.resourceFiles()));
      return all;
    }

    /**
     * The input files of one generator ({@code files}, {@code envs}), by key: a {@code key=path}
     * entry's key, else the file's name. Kustomize refuses files outside the kustomization's own
     * directory, and so does this.
     */
    Map<String, Path> generatorFiles(JsonNode generator) {
      Map<String, Path> files = new LinkedHashMap<>();
      for (String field : List.of("files", "envs")) {
        for (JsonNode f : generator.path(field)) {
          String entry = f.asText();
          int eq = entry.indexOf('=');
          String key = eq < 0 ? Path.of(entry).getFileName().toString() : entry.substring(0, eq);
          Path p = dir.resolve(eq < 0 ? entry : entry.substring(eq + 1)).normalize();
          if (!p.startsWith(dir)) {
            throw new AssertionError(
                "kustomize refuses " + entry + ": outside " + ROOT.relativize(dir));
          }
          if (!Files.isRegularFile(p)) {
            throw new AssertionError(
                ROOT.relativize(dir) + " generator " + generator.path("name") + ": no file " + p);
          }
          files.put(key, p);
        }
      }
      return files;
    }

    /** Generators of one kind ({@code configMapGenerator}, {@code secretGenerator}), by name. */
    Map<String, JsonNode> generators(String kind) {
      Map<String, JsonNode> byName = new LinkedHashMap<>();
      for (Kustomization k : all()) {
        for (JsonNode g : k.spec().path(kind)) {
          if (byName.put(g.path("name").asText(), g) != null) {
            throw new AssertionError("two " + kind + " named " + g.path("name"));
          }
        }
      }
      return byName;
    }

    /** The kustomization (this or a nested one) that declares the generator with this name. */
    Kustomization declaring(String kind, String name) {
      for (Kustomization k : all()) {
        for (JsonNode g : k.spec().path(kind)) {
          if (g.path("name").asText().equals(name)) {
            return k;
          }
        }
      }
      throw new AssertionError("no " + kind + " named " + name);
    }
  }
}
