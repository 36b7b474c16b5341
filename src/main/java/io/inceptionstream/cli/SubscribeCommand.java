package io.inceptionstream.cli;

import io.inceptionstream.avro.Embedding;
import io.inceptionstream.avro.Prediction;
import io.inceptionstream.client.PredictionSubscriber;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code subscribe}: prints predictions as they arrive. */
@Command(
    name = "subscribe",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Print predictions as they arrive: id, label, probability and end-to-end latency; JSON lines with --format json.",
      "Reads committed records only, from every partition, without joining a consumer group."
    })
final class SubscribeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = "--topic",
      defaultValue = "predictions",
      description = "Predictions topic. Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(
      names = "--embeddings",
      description = "Also read the embeddings topic and show each prediction's embeddings.")
  boolean embeddings;

  @Option(
      names = "--embeddings-topic",
      defaultValue = "embeddings",
      description = "Embeddings topic. Default: ${DEFAULT-VALUE}.")
  String embeddingsTopic;

  @Option(
      names = "--from-beginning",
      description = "Start at the earliest prediction instead of new ones only.")
  boolean fromBeginning;

  @Option(
      names = "--max",
      description = "Stop after N predictions (exit 1 if --timeout ends the wait first).")
  Long max;

  @Option(
      names = "--timeout",
      converter = DurationConverter.class,
      description =
          "Stop when no prediction arrived for this long (e.g. 30s). Default: run until interrupted.")
  Duration timeout;

  @Option(
      names = "--connect-timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How long to wait for the broker. Default: ${DEFAULT-VALUE}.")
  Duration connectTimeout;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table or json (one JSON object a line). Default: ${DEFAULT-VALUE}.")
  String format;

  @Mixin KafkaConfigOption kafkaConfig;

  @Override
  public Integer call() {
    if (!format.equals("table") && !format.equals("json")) {
      throw new CliException(
          "Invalid value " + format + " for option --format: must be table or json", 2);
    }
    if (max != null && max < 1) {
      throw new CliException("Invalid value " + max + " for option --max: must be at least 1", 2);
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean json = format.equals("json");
    long seen = 0;
    PredictionSubscriber.Builder b =
        PredictionSubscriber.builder()
            .bootstrapServers(bootstrapServers)
            .properties(kafkaConfig.properties())
            .topic(topic)
            .fromBeginning(fromBeginning)
            .connectTimeout(connectTimeout);
    if (embeddings) {
      b.embeddingsTopic(embeddingsTopic);
    }
    PredictionSubscriber subscriber;
    try {
      subscriber = b.build();
    } catch (RuntimeException e) {
      throw new CliException(Main.describe(e), 1);
    }
    try (subscriber) {
      if (!json) {
        out.printf(
            "%-36s %-16s %8s %10s%s%n",
            "id", "label", "prob", "latency", embeddings ? "  embeddings" : "");
        out.flush();
      }
      long lastArrival = System.nanoTime();
      while (max == null || seen < max) {
        List<PredictionSubscriber.Result> batch = subscriber.poll(Duration.ofMillis(200));
        for (PredictionSubscriber.Result r : batch) {
          print(out, r, json);
          seen++;
          if (max != null && seen >= max) {
            break;
          }
        }
        out.flush();
        if (!batch.isEmpty()) {
          lastArrival = System.nanoTime();
        } else if (timeout != null && System.nanoTime() - lastArrival > timeout.toNanos()) {
          break;
        }
      }
    }
    if (max != null && seen < max) {
      throw new CliException(
          "received " + seen + " of " + max + " predictions before the timeout", 1);
    }
    return 0;
  }

  private void print(PrintWriter out, PredictionSubscriber.Result r, boolean json) {
    Prediction p = r.prediction();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("id", p.getId());
      doc.put("label", p.getLabel());
      doc.put("index", p.getIndex());
      doc.put("probability", p.getProbability());
      List<Map<String, Object>> top = new ArrayList<>();
      p.getTopK()
          .forEach(
              s ->
                  top.add(
                      Map.of(
                          "label",
                          s.getLabel(),
                          "index",
                          s.getIndex(),
                          "probability",
                          s.getProbability())));
      doc.put("topK", top);
      doc.put("modelName", p.getModelName());
      doc.put("modelVersion", p.getModelVersion());
      doc.put("attributes", p.getAttributes());
      doc.put(
          "source",
          Map.of(
              "topic",
              p.getSource().getTopic(),
              "partition",
              p.getSource().getPartition(),
              "offset",
              p.getSource().getOffset()));
      doc.put("latencyMs", r.latencyMillis());
      if (embeddings) {
        Map<String, Object> es = new LinkedHashMap<>();
        for (Map.Entry<String, Embedding> e : r.embeddings().entrySet()) {
          es.put(
              e.getKey(),
              Map.of(
                  "dimension",
                  e.getValue().getDimension(),
                  "normalized",
                  e.getValue().getNormalized(),
                  "vector",
                  e.getValue().getVector()));
        }
        doc.put("embeddings", es);
      }
      out.println(Json.line(doc));
    } else {
      String emb = "";
      if (embeddings) {
        StringBuilder sb = new StringBuilder("  ");
        r.embeddings()
            .forEach((tap, e) -> sb.append(tap).append('[').append(e.getDimension()).append("] "));
        emb = sb.toString();
      }
      out.printf(
          "%-36s %-16s %8.3f %8d ms%s%n",
          p.getId(), p.getLabel(), p.getProbability(), r.latencyMillis(), emb);
    }
  }
}
