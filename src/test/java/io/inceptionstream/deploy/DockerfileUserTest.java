package io.inceptionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The worker image runs as a non-root user: the last USER of the final stage comes first. */
class DockerfileUserTest {

  private static final Set<String> ROOT = Set.of("root", "0");

  @Test
  void theWorkerImageSwitchesToANonRootUserBeforeItsEntrypoint() throws IOException {
    List<String> stage = finalStage(DeployFiles.ROOT.resolve("deploy/Dockerfile"));
    String user = null;
    int userLine = -1;
    int entrypoint = -1;
    for (int i = 0; i < stage.size(); i++) {
      String[] parts = stage.get(i).strip().split("\\s+", 2);
      String instruction = parts[0].toUpperCase(Locale.ROOT);
      if (instruction.equals("USER") && parts.length == 2) {
        user = parts[1].strip();
        userLine = i;
      } else if ((instruction.equals("ENTRYPOINT") || instruction.equals("CMD"))
          && entrypoint < 0) {
        entrypoint = i;
      }
    }
    assertTrue(user != null, "the final stage sets a USER: " + stage);
    String name = user.split(":", 2)[0];
    String group = user.contains(":") ? user.split(":", 2)[1] : "";
    assertFalse(ROOT.contains(name), "USER " + user + " is root");
    assertFalse(ROOT.contains(group), "USER " + user + " has the root group");
    assertTrue(entrypoint >= 0, "the final stage has an ENTRYPOINT or CMD");
    assertTrue(userLine < entrypoint, "USER " + user + " comes before ENTRYPOINT/CMD");
  }

  @Test
  void readsOnlyTheFinalStage() throws IOException {
    Path f = Files.createTempFile("Dockerfile", "");
    try {
      Files.writeString(f, "FROM a AS build\nUSER 1\nRUN x\nFROM b\n# USER 2\nCMD [\"y\"]\n");
      assertTrue(finalStage(f).equals(List.of("CMD [\"y\"]")), finalStage(f).toString());
    } finally {
      Files.delete(f);
    }
  }

  /** The instructions after the last FROM, without comments, blank lines or continuations. */
  static List<String> finalStage(Path dockerfile) throws IOException {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      if (t.endsWith("\\")) {
        current.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      current.append(t);
      String instruction = current.toString();
      current.setLength(0);
      if (instruction.toUpperCase(Locale.ROOT).startsWith("FROM ")) {
        instructions.clear();
      } else {
        instructions.add(instruction);
      }
    }
    return instructions;
  }
}
