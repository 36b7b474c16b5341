package io.inceptionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.inference.RunnerOptions;
import io.inceptionstream.model.ModelDirectory;
import io.inceptionstream.testing.Engines;
import io.inceptionstream.testing.TestModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default model, {@code models/googlenet-fashion}, scores on the official 10,000-image
 * Fashion-MNIST test set, through the serving path, what its metadata and the README say.
 */
class ShippedFashionModelTest {

  /** The goal (the published GoogLeNet anchor is 0.937). */
  private static final double FLOOR = 0.93;

  @Test
  void scoresItsPublishedAccuracyOnTheFullOfficialTestSetThroughTheServingPath() throws Exception {
    TestModels.requireFashionMnist();
    Engines.ready();
    ModelDirectory model = ModelDirectory.open(TestModels.fashion());
    assertEquals(LabeledImages.FASHION_MNIST_CLASSES, model.labels());
    LabeledImages test =
        LabeledImages.idx(
            LabeledImages.FASHION_MNIST_DIR, false, LabeledImages.FASHION_MNIST_CLASSES, 10_000);
    assertEquals(10_000, test.size());
    Evaluation.Result r = Evaluation.evaluate(model, test, RunnerOptions.classifyOnly(), "cpu", 64);
    double published = published(model);
    assertEquals(published, r.accuracy(), 0.0005, "the accuracy metadata.json publishes");
    assertTrue(r.accuracy() >= FLOOR, "accuracy " + r.accuracy());
  }

  @Test
  void recordsHowItWasMadeAndWhatItScored() throws Exception {
    ModelDirectory model = ModelDirectory.open(TestModels.fashion());
    Map<String, Object> p = model.metadata().provenance();
    String command = (String) p.get("command");
    assertTrue(command.startsWith("inception-stream train --idx"), command);
    assertTrue(p.containsKey("seed"));
    assertTrue(p.containsKey("history"));
    @SuppressWarnings("unchecked")
    Map<String, Object> test = (Map<String, Object>) p.get("testEvaluation");
    assertEquals(10_000, ((Number) test.get("images")).intValue());
    assertEquals(10, ((List<?>) test.get("confusion")).size());
    assertEquals(10, ((List<?>) test.get("perClassRecall")).size());
    assertEquals(Preprocessor.DESCRIPTION, test.get("preprocessing"));
  }

  @SuppressWarnings("unchecked")
  private static double published(ModelDirectory model) {
    Map<String, Object> test =
        (Map<String, Object>) model.metadata().provenance().get("testEvaluation");
    return ((Number) test.get("accuracy")).doubleValue();
  }
}
