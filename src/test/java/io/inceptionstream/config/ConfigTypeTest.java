package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTypeTest {

  @Test
  void readsEachTypeIgnoringSpacesAroundNumbersBooleansAndListEntries() {
    assertEquals(" as is ", ConfigType.STRING.parse(" as is "));
    assertEquals(42, ConfigType.INT.parse(" 42 "));
    assertEquals(-7L, ConfigType.LONG.parse("-7"));
    assertEquals(true, ConfigType.BOOLEAN.parse("TRUE"));
    assertEquals(false, ConfigType.BOOLEAN.parse(" false"));
    assertEquals(Duration.ofSeconds(2), ConfigType.DURATION.parse("2s"));
    assertEquals(List.of("b5", "a4.branch3"), ConfigType.LIST.parse(" b5 , a4.branch3"));
    assertEquals("", ConfigType.PATH.parse(""));
  }

  @Test
  void readsABatchSizeAsAutoOrAnIntegerFromOneTo4096AndWritesItBack() {
    assertEquals(BatchSize.AUTO, ConfigType.BATCH_SIZE.parse(" auto "));
    assertEquals(BatchSize.of(16), ConfigType.BATCH_SIZE.parse("16"));
    assertEquals(BatchSize.of(4096), ConfigType.BATCH_SIZE.parse("4096"));
    assertEquals("auto", ConfigType.BATCH_SIZE.format(BatchSize.AUTO));
    assertEquals("16", ConfigType.BATCH_SIZE.format(BatchSize.of(16)));
    for (String bad : List.of("0", "4097", "-1", "AUTO", "1.5", "", "99999999999")) {
      assertEquals(
          "must be auto or an integer between 1 and 4096",
          assertThrows(IllegalArgumentException.class, () -> ConfigType.BATCH_SIZE.parse(bad))
              .getMessage(),
          bad);
    }
    assertEquals(64, BatchSize.AUTO.largest());
    assertEquals(8, BatchSize.of(8).largest());
  }

  @Test
  void readsAnEmptyOrBlankListAsNoEntriesButKeepsEmptyEntriesForTheRuleToReject() {
    assertEquals(List.of(), ConfigType.LIST.parse(""));
    assertEquals(List.of(), ConfigType.LIST.parse("  "));
    assertEquals(List.of("b5", ""), ConfigType.LIST.parse("b5,"));
  }

  @Test
  void namesTheRuleWhenTextIsNotOfTheType() {
    assertEquals(
        "must be an integer",
        assertThrows(IllegalArgumentException.class, () -> ConfigType.INT.parse("1.5"))
            .getMessage());
    assertEquals(
        "must be an integer between -2147483648 and 2147483647",
        assertThrows(IllegalArgumentException.class, () -> ConfigType.INT.parse("3000000000"))
            .getMessage());
    assertEquals(
        "must be an integer between -9223372036854775808 and 9223372036854775807",
        assertThrows(
                IllegalArgumentException.class, () -> ConfigType.LONG.parse("99999999999999999999"))
            .getMessage());
    assertEquals(
        "must be true or false",
        assertThrows(IllegalArgumentException.class, () -> ConfigType.BOOLEAN.parse("yes"))
            .getMessage());
  }

  @Test
  void writesValuesTheWayConfigurationSpellsThem() {
    assertEquals("b5,a3", ConfigType.LIST.format(List.of("b5", "a3")));
    assertEquals("50ms", ConfigType.DURATION.format(Duration.ofMillis(50)));
    assertEquals("true", ConfigType.BOOLEAN.format(true));
  }
}
