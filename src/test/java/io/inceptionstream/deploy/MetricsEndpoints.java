package io.inceptionstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The paths the worker's HTTP endpoint serves, read from MetricsServer's source: the JDK's HTTP
 * server matches contexts by prefix, so a request alone cannot tell /health/ready from a misspelt
 * /health/readyz. The integration test asks a running worker for each path as well. Stateless.
 */
final class MetricsEndpoints {

  private static final Path SOURCE =
      Path.of("src", "main", "java", "io", "inceptionstream", "metrics", "MetricsServer.java");
  private static final Pattern CONTEXT = Pattern.compile("createContext\\(\\s*\"([^\"]+)\"");

  private MetricsEndpoints() {}

  static Set<String> paths() {
    try {
      Set<String> paths = new LinkedHashSet<>();
      Matcher m = CONTEXT.matcher(Files.readString(SOURCE));
      while (m.find()) {
        paths.add(m.group(1));
      }
      if (paths.isEmpty()) {
        throw new AssertionError("no createContext(\"...\") in " + SOURCE);
      }
      return paths;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
