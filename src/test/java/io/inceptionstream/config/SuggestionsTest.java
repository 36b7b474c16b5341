package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

  private static final List<String> KEYS =
      WorkerConfigDef.keys().stream().map(ConfigKey::name).toList();

  @Test
  void suggestsTheKeySpeltWithOtherSeparatorsOrCase() {
    assertEquals(Optional.of("batch.max-size"), Suggestions.closest("batch_max_size", KEYS));
    assertEquals(Optional.of("bootstrap-servers"), Suggestions.closest("bootstrap.servers", KEYS));
    assertEquals(Optional.of("metrics.port"), Suggestions.closest("Metrics.Port", KEYS));
  }

  @Test
  void suggestsTheOnlyKeyEndingInAShortName() {
    assertEquals(Optional.of("pipeline.max-in-flight"), Suggestions.closest("max-in-flight", KEYS));
    assertEquals(Optional.of("topics.partitions"), Suggestions.closest("partitions", KEYS));
  }

  @Test
  void suggestsTheNearestKeyForATypo() {
    assertEquals(Optional.of("batch.max-size"), Suggestions.closest("batch.max-sise", KEYS));
    assertEquals(Optional.of("prediction.top-k"), Suggestions.closest("predictions.top-k", KEYS));
    assertEquals(Optional.of("topics.dead-letter"), Suggestions.closest("topics.deadletter", KEYS));
  }

  @Test
  void suggestsNothingForANameFarFromEveryKey() {
    assertEquals(Optional.empty(), Suggestions.closest("fetch.min.bytes", KEYS));
    assertEquals(Optional.empty(), Suggestions.closest("x", KEYS));
  }

  @Test
  void measuresEditDistance() {
    assertEquals(0, Suggestions.distance("abc", "abc"));
    assertEquals(1, Suggestions.distance("abc", "abd"));
    assertEquals(3, Suggestions.distance("", "abc"));
    assertEquals(3, Suggestions.distance("kitten", "sitting"));
  }
}
