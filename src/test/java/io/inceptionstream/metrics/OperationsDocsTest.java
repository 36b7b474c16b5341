package io.inceptionstream.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperationsDocsTest {

  @Test
  void everyMetricTheWorkerPublishesIsDocumented() throws Exception {
    String doc = Files.readString(Path.of("docs", "operations.md"));
    MetricRegistry registry = new MetricRegistry();
    new WorkerMetrics(registry);
    List<String> names = new ArrayList<>(registry.getNames());
    names.addAll(WorkerMetrics.GAUGES);
    for (String name : names) {
      assertTrue(doc.contains("| `" + name + "` |"), name + " is missing from docs/operations.md");
    }
  }
}
