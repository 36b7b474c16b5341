package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CostCurveTest {

  @ParameterizedTest(name = "{0} is {1} ns per call and {2} ns per image")
  @CsvSource({
    "2ms+20us, 2000000, 20000",
    "0ms+0us, 0, 0",
    "0ms+100us, 0, 100000",
    "1s+5ns, 1000000000, 5",
    "' 3us+4ms ', 3000, 4000000",
  })
  void readsAPerCallAndAPerImageTime(String text, long perCall, long perImage) {
    CostCurve c = CostCurve.parse(text);
    assertEquals(Duration.ofNanos(perCall), c.perCall());
    assertEquals(Duration.ofNanos(perImage), c.perImage());
  }

  @ParameterizedTest(name = "rejects \"{0}\"")
  @ValueSource(strings = {"", "2ms", "2ms+", "+20us", "2+20", "2ms+20 us", "-1ms+0us", "1h+0us"})
  void rejectsAnythingElseNamingTheRule(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CostCurve.parse(text));
    assertTrue(e.getMessage().startsWith(CostCurve.RULE), e.getMessage());
  }

  @Test
  void aCallCostsItsFixedPartPlusOnePartPerImage() {
    CostCurve c = CostCurve.parse("2ms+20us");
    assertEquals(2_020_000, c.nanos(1));
    assertEquals(2_640_000, c.nanos(32));
    assertEquals(32 / 2.64e-3, c.imagesPerSecond(32), 1e-6);
    assertEquals(Long.MAX_VALUE, CostCurve.parse("0ms+9223372036854775807ns").nanos(2));
  }

  @Test
  void writesItselfBackAsConfigurationSpellsIt() {
    assertEquals("2ms+20us", CostCurve.parse("2000us+20000ns").toString());
    assertEquals("0ms+100us", CostCurve.parse("0ms+100us").toString());
    assertEquals("1s+7ns", CostCurve.parse("1000ms+7ns").toString());
    assertTrue(CostCurve.ZERO.isZero());
  }

  @Test
  void isTheValueOfTheStandInCostKeyWhichDefaultsToNoCost() {
    Map<String, String> flags = Map.of("bootstrap-servers", "localhost:9092");
    assertEquals(CostCurve.ZERO, WorkerConfig.load(null, Map.of(), flags).standInCost());
    WorkerConfig c =
        WorkerConfig.load(
            null,
            Map.of(),
            Map.of("bootstrap-servers", "localhost:9092", "inference.stand-in.cost", "2ms+20us"));
    assertEquals(CostCurve.parse("2ms+20us"), c.standInCost());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                WorkerConfig.load(
                    null,
                    Map.of(),
                    Map.of(
                        "bootstrap-servers", "localhost:9092", "inference.stand-in.cost", "2ms")));
    assertTrue(
        e.getMessage()
            .contains(
                "Invalid value 2ms for configuration inference.stand-in.cost: " + CostCurve.RULE),
        e.getMessage());
  }
}
