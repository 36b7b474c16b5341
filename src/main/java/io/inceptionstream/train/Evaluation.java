package io.inceptionstream.train;

import io.inceptionstream.inference.Classifier;
import io.inceptionstream.inference.InferenceResult;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.model.InvalidModelException;
import io.inceptionstream.model.ModelDirectory;
import java.util.List;

/**
 * Accuracy and confusion matrix of a model on a labelled set, computed through the serving path
 * ({@link Classifier}, top-1 of its softmax), so it measures exactly what the worker will do. Runs
 * on the calling thread.
 */
public final class Evaluation {

  /**
   * @param accuracy fraction of images whose top-1 class is the true one, 0..1
   * @param images images evaluated
   * @param classes class names
   * @param confusion {@code confusion[true][predicted]} counts
   */
  public record Result(double accuracy, int images, List<String> classes, int[][] confusion) {

    /** Per-class recall, in class order. */
    public double[] recall() {
      double[] r = new double[classes.size()];
      for (int t = 0; t < r.length; t++) {
        int total = 0;
        for (int p = 0; p < r.length; p++) {
          total += confusion[t][p];
        }
        r[t] = total == 0 ? Double.NaN : (double) confusion[t][t] / total;
      }
      return r;
    }
  }

  private Evaluation() {}

  /**
   * Evaluates {@code model} on {@code data}.
   *
   * @param batchSize images per forward pass
   * @throws IllegalArgumentException if the data's classes are not the model's labels
   */
  public static Result evaluate(
      ModelDirectory model, LabeledImages data, RunnerOptions options, String device, int batchSize)
      throws InvalidModelException {
    if (!model.labels().equals(data.classes())) {
      throw new IllegalArgumentException(
          "The data's classes " + data.classes() + " are not the model's labels " + model.labels());
    }
    try (Classifier classifier =
        Classifier.open(model, options.withTaps(List.of()), device, batchSize)) {
      return evaluate(classifier, data);
    }
  }

  /**
   * Evaluates whatever network {@code classifier} runs on {@code data}, {@link
   * Classifier#maxBatch()} images per forward pass; the caller vouches that the data's classes are
   * the network's, in the same order.
   */
  public static Result evaluate(Classifier classifier, LabeledImages data) {
    int k = data.classes().size();
    int[][] confusion = new int[k][k];
    int batchSize = classifier.maxBatch();
    int correct = 0;
    for (int start = 0; start < data.size(); start += batchSize) {
      int n = Math.min(batchSize, data.size() - start);
      InferenceResult r = classifier.classify(data.pixels(), start, n);
      for (int i = 0; i < n; i++) {
        int predicted = r.topK(i, 1).get(0).index();
        int truth = data.labels()[start + i];
        confusion[truth][predicted]++;
        if (predicted == truth) {
          correct++;
        }
      }
    }
    return new Result(
        data.size() == 0 ? 0 : (double) correct / data.size(),
        data.size(),
        data.classes(),
        confusion);
  }
}
