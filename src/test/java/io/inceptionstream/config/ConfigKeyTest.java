package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigKeyTest {

  private static final ConfigKey<Integer> SIZE =
      new ConfigKey<>(ConfigKey.INT, "x.size", "3", Validator.atLeast(1), "Doc.");

  @Test
  void parsesTextIntoTheKeysJavaType() {
    Integer size = SIZE.parse(" 7 ");
    assertEquals(7, size);
    Duration delay =
        new ConfigKey<>(ConfigKey.DURATION, "x.delay", "1s", Validator.any(), "Doc.").parse("2m");
    assertEquals(Duration.ofMinutes(2), delay);
    List<String> list =
        new ConfigKey<>(ConfigKey.LIST, "x.list", "", Validator.any(), "Doc.").parse("a, b");
    assertEquals(List.of("a", "b"), list);
    assertEquals(
        ConfigType.PATH,
        new ConfigKey<>(ConfigKey.PATH, "x.path", "", Validator.any(), "Doc.").type());
    assertEquals(
        ConfigType.ENUM,
        new ConfigKey<>(ConfigKey.ENUM, "x.e", "a", Validator.any(), "Doc.").type());
  }

  @Test
  void reportsABadTextWithTheKeyTheTextAndTheRule() {
    ConfigException e = assertThrows(ConfigException.class, () -> SIZE.parse("0"));
    assertEquals(
        List.of("Invalid value 0 for configuration x.size: must be at least 1"), e.problems());
  }

  @Test
  void reportsAValueOfAnotherJavaTypeInsteadOfThrowingAClassCastException() {
    assertEquals(
        Optional.of(
            "Invalid value 3 for configuration x.size: must be of type int, not java.lang.Long"),
        SIZE.problem(3L));
    ConfigKey<List<String>> list =
        new ConfigKey<>(ConfigKey.LIST, "x.list", "", Validator.any(), "Doc.");
    assertTrue(list.problem(List.of(1)).orElseThrow().contains("must be of type list, not "));
    assertEquals(Optional.empty(), SIZE.problem(3));
    assertEquals(Optional.of("Missing value for configuration x.size"), SIZE.problem(null));
  }

  @Test
  void castsAListToAnImmutableCopyOnceAndAfterwardsToItself() {
    ConfigKey<List<String>> key =
        new ConfigKey<>(ConfigKey.LIST, "x.list", "", Validator.any(), "Doc.");
    List<String> mutable = new ArrayList<>(List.of("a"));
    List<String> copy = key.cast(mutable);
    mutable.add("b");
    assertEquals(List.of("a"), copy);
    assertThrows(UnsupportedOperationException.class, () -> copy.add("c"));
    assertSame(copy, key.cast(copy));
    assertThrows(ClassCastException.class, () -> key.cast(Arrays.asList("a", null)));
  }

  @Test
  void refusesNamesThatAreMalformedOrShadowTheKafkaPassThrough() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ConfigKey<>(ConfigKey.STRING, "Batch.Size", "", Validator.any(), "Doc."));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ConfigKey<>(ConfigKey.STRING, "kafka.linger.ms", "", Validator.any(), "Doc."));
    assertEquals(
        "kafka.config",
        new ConfigKey<>(ConfigKey.PATH, "kafka.config", "", Validator.any(), "Doc.").name());
  }
}
