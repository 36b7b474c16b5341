package io.inceptionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDocsTest {

  /** The command that brings the documentation up to date; the failure message quotes it. */
  static final String FIX = "mvn -B -q -o test -Dtest=ConfigDocsTest -Dconfig.docs.update=true";

  private static final Path DOCS = Path.of("docs", "configuration.md");

  @Test
  void documentationMatchesTheKeyDeclarations() throws IOException {
    if (Boolean.getBoolean("config.docs.update")) {
      ConfigDocs.update(DOCS);
    }
    String documented = ConfigDocs.between(Files.readString(DOCS, StandardCharsets.UTF_8));
    assertEquals(
        ConfigDocs.reference(),
        documented,
        DOCS + " is out of date with WorkerConfigDef. Regenerate its reference with: " + FIX);
  }

  @Test
  void listsEveryKeyWithItsTypeDefaultAndRule() {
    String table = ConfigDocs.markdownTable();
    for (ConfigKey<?> k : WorkerConfigDef.keys()) {
      assertTrue(
          table.contains("| `" + k.name() + "` | " + k.type().displayName() + " | "), k.name());
    }
    assertTrue(
        table.contains(
            "| `batch.max-size` | auto or int | `auto` | Most images in one forward pass; a full batch is sent at once. auto times the sizes 1, 2, 4 ... 64 at warm-up, a few seconds in all, and keeps the one with the most images per second (within 3 %, the smaller); the log and the batch.size.chosen gauge say which. Must be auto or an integer between 1 and 4096. |"),
        table);
    assertTrue(table.contains("| `bootstrap-servers` | string | *required* | "), table);
    assertTrue(table.contains("| `worker.id` | string | *empty* | "), table);
    assertEquals(WorkerConfigDef.keys().size() + 2, table.split("\n").length);
  }

  @Test
  void updatesOnlyTheTextBetweenTheMarkers(@TempDir Path dir) throws IOException {
    Path md = dir.resolve("doc.md");
    Files.writeString(
        md, "# Title\r\n\r\n" + ConfigDocs.START + "\nold\n" + ConfigDocs.END + "\nafter\n");
    ConfigDocs.update(md);
    assertEquals(
        "# Title\n\n"
            + ConfigDocs.START
            + "\n"
            + ConfigDocs.reference()
            + ConfigDocs.END
            + "\nafter\n",
        Files.readString(md));
  }
}
