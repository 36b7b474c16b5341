package io.inceptionstream.testing;

import io.inceptionstream.config.WorkerConfig;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.pipeline.Worker;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: a real worker in this JVM with test-friendly settings. */
public final class Workers {

  private Workers() {}

  /** Settings every test worker uses: no fixed ports, short timeouts, fast group membership. */
  public static Map<String, String> baseFlags(
      String bootstrap, ModelDirectory model, String group, String workerId) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("bootstrap-servers", bootstrap);
    f.put("model", model.path().toString());
    f.put("group", group);
    f.put("worker.id", workerId);
    f.put("metrics.bind", "127.0.0.1");
    f.put("metrics.port", "0");
    f.put("metrics.jmx", "false");
    f.put("shutdown.timeout", "20s");
    f.put("kafka.consumer.session.timeout.ms", "6000");
    f.put("kafka.consumer.heartbeat.interval.ms", "1000");
    return f;
  }

  /**
   * Starts a worker (model warm, consumer subscribed) with the base settings plus {@code extra}.
   */
  public static Worker start(
      String bootstrap,
      ModelDirectory model,
      String group,
      String workerId,
      Map<String, String> extra)
      throws Exception {
    Map<String, String> flags = baseFlags(bootstrap, model, group, workerId);
    flags.putAll(extra);
    Worker w = new Worker(WorkerConfig.load(null, Map.of(), flags), model);
    w.start();
    return w;
  }

  /** Stops gracefully and returns the exit code. */
  public static int stop(Worker w) throws InterruptedException {
    w.stop();
    return w.awaitTermination();
  }
}
