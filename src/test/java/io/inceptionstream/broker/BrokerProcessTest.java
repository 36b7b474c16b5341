package io.inceptionstream.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.testing.Clients;
import io.inceptionstream.testing.NoLeaksExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NoLeaksExtension.class)
class BrokerProcessTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void keepsRecordsAcknowledgedBeforeAKillAfterARestart() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("data"), 0)) {
      String bootstrap = broker.bootstrapServers();
      Topics.create(bootstrap, List.of("crash"), 1, (short) 1, TIMEOUT);
      Clients.produce(bootstrap, "crash", List.of("1", "2", "3"));
      long killed = broker.pid();

      broker.kill();
      assertFalse(alive(killed), "the child is gone after kill()");
      broker.restart();

      assertEquals(bootstrap, broker.bootstrapServers());
      assertNotEquals(killed, broker.pid());
      assertEquals(List.of("1", "2", "3"), Clients.consume(bootstrap, "crash", 3, TIMEOUT));
      Clients.produce(bootstrap, "crash", List.of("4"));
      assertEquals(List.of("1", "2", "3", "4"), Clients.consume(bootstrap, "crash", 4, TIMEOUT));
      assertEquals(List.of(), broker.unexpectedOutput(), "stdout carries only the ready line");
    }
  }

  @Test
  void closeLeavesNoProcessBehind() {
    BrokerProcess broker = BrokerProcess.start(null, 0);
    long pid = broker.pid();
    Path data = broker.dataDir();
    Topics.awaitReachable(broker.bootstrapServers(), TIMEOUT);

    broker.close();

    assertFalse(alive(pid), "pid " + pid + " has exited");
    assertTrue(ProcessHandle.current().descendants().noneMatch(p -> p.pid() == pid));
    assertFalse(Files.exists(data), "the temporary data directory is deleted");
    assertFalse(broker.isAlive());
  }

  @Test
  void stopsByItselfWhenItsParentProcessIsGone() throws Exception {
    Process parent = new ProcessBuilder("sleep", "600").start();
    Path log = dir.resolve("orphan.log");
    Process child =
        new ProcessBuilder(
                BrokerProcess.command(
                    ListenerPorts.freePort(), dir.resolve("orphan"), parent.pid()))
            .redirectError(log.toFile())
            .start();
    try {
      CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> firstLine(child));
      String line = ready.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(
          line != null && line.startsWith(BrokerMain.READY_PREFIX), "ready line, got " + line);

      parent.destroyForcibly();
      parent.waitFor();

      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the broker exits once its parent is gone");
      assertEquals(0, child.exitValue());
      String stderr = Files.readString(log);
      assertTrue(stderr.contains("Parent process " + parent.pid() + " has exited"), stderr);
    } finally {
      parent.destroyForcibly();
      child.destroyForcibly();
      child.waitFor();
      parent.waitFor();
    }
  }

  private static String firstLine(Process p) {
    try {
      return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
