package io.inceptionstream.bench;

import io.inceptionstream.inference.ModelBenchmark;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.model.ModelDirectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code bench model}: images per second of the model alone per batch size, by {@link Trials}: one
 * engine opened once, one timed forward pass per batch size per round, the batch sizes interleaved
 * round by round, warm-up rounds discarded; each round also times the {@link MachineReference}, so
 * the run shows how much the machine itself drifted. Runs on the calling thread.
 */
public final class ModelThroughput {

  /**
   * One batch size's figures.
   *
   * @param batchSize images per forward pass
   * @param imagesPerSecond batch size over each pass's time
   * @param batchMillis time of one forward pass
   * @param runs timed passes
   * @param perRun images per second of each timed pass, in order
   * @param activity what the JVM did during each timed pass
   */
  public record Result(
      int batchSize,
      Trials.Figure imagesPerSecond,
      Trials.Figure batchMillis,
      int runs,
      List<Double> perRun,
      List<JvmActivity> activity) {}

  /**
   * Every batch size's figures and the machine's.
   *
   * @param results one per batch size, in the order asked
   * @param machineReference the {@link MachineReference}'s GFLOP/s in the same rounds
   */
  public record Run(List<Result> results, Trials.Figure machineReference) {}

  static final String REFERENCE = "machineReference";

  private ModelThroughput() {}

  /**
   * Measures each batch size.
   *
   * @param warmup rounds discarded first
   * @param runs measured rounds, at least {@link Trials#MIN_RUNS}
   * @param log one line per measured round
   */
  public static Run run(
      ModelDirectory directory,
      RunnerOptions options,
      String device,
      int[] batchSizes,
      int warmup,
      int runs,
      Consumer<String> log)
      throws Exception {
    int max = Arrays.stream(batchSizes).max().orElseThrow();
    Trials trials = new Trials(warmup, runs);
    try (ModelBenchmark model = ModelBenchmark.open(directory, options, device, max)) {
      MachineReference reference = MachineReference.perCore();
      trials.add(REFERENCE, reference::gflopsPerSecond);
      for (int b : batchSizes) {
        trials.add(Integer.toString(b), () -> b * 1000.0 / model.passMillis(b));
      }
      Trials.Results results =
          trials.run(
              (r, round) -> {
                StringBuilder line = new StringBuilder("run " + r + ": images/s by batch size");
                round.forEach(
                    (b, v) -> {
                      if (!REFERENCE.equals(b)) {
                        line.append(String.format(" %s: %.1f", b, v));
                      }
                    });
                line.append(String.format("; machine %.2f GFLOP/s", round.get(REFERENCE)));
                log.accept(line.toString());
              });
      List<Result> out = new ArrayList<>();
      for (int b : batchSizes) {
        String name = Integer.toString(b);
        List<Double> ips = results.values(name);
        List<Double> millis = ips.stream().map(v -> b * 1000.0 / v).toList();
        out.add(
            new Result(
                b,
                Trials.Figure.of(ips),
                Trials.Figure.of(millis),
                runs,
                ips,
                results.activity().get(name)));
      }
      return new Run(out, results.figure(REFERENCE));
    }
  }
}
