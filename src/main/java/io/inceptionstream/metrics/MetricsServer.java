package io.inceptionstream.metrics;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's HTTP endpoint: {@code /metrics} in Prometheus text format (Prometheus' own
 * Dropwizard bridge over the worker's registry), {@code /health/live} and {@code /health/ready}
 * (200 when every check passes, 503 otherwise, with a JSON body naming each check). Uses the JDK's
 * HTTP server on one named daemon thread. Thread-safe.
 */
public final class MetricsServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final CollectorRegistry prometheus = new CollectorRegistry();

  /**
   * Starts serving.
   *
   * @param port 0 for any free port
   * @param liveness checks for {@code /health/live}
   * @param readiness checks for {@code /health/ready}
   */
  public MetricsServer(
      String bind,
      int port,
      WorkerMetrics metrics,
      HealthCheckRegistry liveness,
      HealthCheckRegistry readiness)
      throws IOException {
    new DropwizardExports(metrics.registry()).register(prometheus);
    server = bind(bind, port);
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metrics-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/metrics", this::metrics);
    server.createContext("/health/live", ex -> health(ex, liveness));
    server.createContext("/health/ready", ex -> health(ex, readiness));
    server.start();
  }

  /**
   * Binds, or explains which setting to change: the JDK's own message ("Address already in use")
   * names neither the address nor the key, and a second worker on one host hits exactly this.
   */
  private static HttpServer bind(String bind, int port) throws IOException {
    try {
      return HttpServer.create(new InetSocketAddress(bind, port), 16);
    } catch (BindException e) {
      throw new IOException(
          "Cannot serve metrics on "
              + bind
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "): another process holds that port; give each worker on a host its own"
              + " metrics.port (--metrics-port), or metrics.port=0 for any free port",
          e);
    }
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void metrics(HttpExchange ex) throws IOException {
    StringWriter w = new StringWriter();
    TextFormat.write004(w, prometheus.metricFamilySamples());
    respond(ex, 200, TextFormat.CONTENT_TYPE_004, w.toString());
  }

  private static void health(HttpExchange ex, HealthCheckRegistry checks) throws IOException {
    SortedMap<String, HealthCheck.Result> results = checks.runHealthChecks();
    boolean healthy = results.values().stream().allMatch(HealthCheck.Result::isHealthy);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("healthy", healthy);
    Map<String, Object> each = new LinkedHashMap<>();
    results.forEach(
        (name, r) -> {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("healthy", r.isHealthy());
          if (r.getMessage() != null) {
            one.put("message", r.getMessage());
          }
          each.put(name, one);
        });
    body.put("checks", each);
    respond(ex, healthy ? 200 : 503, "application/json", JSON.writeValueAsString(body));
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
