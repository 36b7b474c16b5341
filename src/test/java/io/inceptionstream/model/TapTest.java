package io.inceptionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TapTest {

  @Test
  void parsesModulesAndBranches() {
    Tap b5 = Tap.parse("b5");
    assertEquals(1024, b5.dimension());
    assertEquals(0, b5.offset());
    Tap a4b3 = Tap.parse("A4.Branch3");
    assertEquals("a4.branch3", a4b3.name());
    assertEquals(48, a4b3.dimension());
    assertEquals(192 + 208, a4b3.offset());
    assertEquals(64, Tap.parse("a4.branch4").dimension());
  }

  @Test
  void parsesListsWithoutDuplicates() {
    assertEquals(List.of(Tap.B5, Tap.parse("a3.branch1")), Tap.parseList("b5, a3.branch1,b5,"));
    assertEquals(List.of(), Tap.parseList(""));
  }

  @Test
  void rejectsUnknownModulesAndBranchesWithTheRule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tap.parse("z9"));
    assertTrue(e.getMessage().contains("z9") && e.getMessage().contains("a3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Tap.parse("b5.branch5"));
    assertTrue(e.getMessage().contains("branchK"), e.getMessage());
  }
}
