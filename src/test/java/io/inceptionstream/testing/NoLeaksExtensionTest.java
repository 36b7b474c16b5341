package io.inceptionstream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NoLeaksExtensionTest {

  @Test
  void namesAProcessStartedAfterTheBaselineThatIsStillRunning() throws Exception {
    Set<Long> baseline = NoLeaksExtension.descendantPids();
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      List<ProcessHandle> leaked =
          NoLeaksExtension.leakedProcesses(baseline, Duration.ofMillis(200));
      assertEquals(List.of(sleeper.pid()), leaked.stream().map(ProcessHandle::pid).toList());
      String described = NoLeaksExtension.describe(leaked.get(0));
      assertTrue(
          described.startsWith("pid " + sleeper.pid() + ": ") && described.contains("sleep"),
          described);
    } finally {
      sleeper.destroyForcibly();
      sleeper.waitFor(10, TimeUnit.SECONDS);
    }
    assertEquals(
        List.of(),
        NoLeaksExtension.leakedProcesses(baseline, Duration.ofSeconds(5)),
        "nothing is left once it exited");
  }
}
