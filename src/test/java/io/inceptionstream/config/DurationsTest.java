package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} is {1} ms")
  @CsvSource({
    "500ms, 500",
    "30s, 30000",
    "2m, 120000",
    "1h, 3600000",
    "250, 250",
    "0, 0",
    "0ms, 0",
    "' 45s ', 45000",
  })
  void readsMillisecondsSecondsMinutesHoursAndPlainIntegers(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), Durations.parse(text));
  }

  @ParameterizedTest(name = "rejects \"{0}\"")
  @ValueSource(
      strings = {
        "",
        "ms",
        "1.5s",
        "-1s",
        "10 s",
        "5d",
        "1S",
        "PT5S",
        "1h30m",
        "99999999999999999999ms",
        "9223372036854775807h"
      })
  void rejectsAnythingElseWithTheRule(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertEquals(true, e.getMessage().startsWith(Durations.RULE), e.getMessage());
  }

  @ParameterizedTest(name = "{0} ms is written {1}")
  @CsvSource({
    "0, 0ms",
    "50, 50ms",
    "1000, 1s",
    "1500, 1500ms",
    "30000, 30s",
    "120000, 2m",
    "90000, 90s",
    "3600000, 1h",
    "5400000, 90m"
  })
  void writesTheLargestExactUnit(long millis, String text) {
    assertEquals(text, Durations.format(Duration.ofMillis(millis)));
    assertEquals(Duration.ofMillis(millis), Durations.parse(text));
  }

  @ParameterizedTest(name = "{0} keeps its precision")
  @ValueSource(strings = {"PT0.0000005S", "PT-1S"})
  void writesDurationsItCannotSpellExactlyInIso8601(String iso) {
    assertEquals(iso, Durations.format(Duration.parse(iso)));
  }
}
