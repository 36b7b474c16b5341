package io.inceptionstream.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The files in schemas/: each one parses alone, and their fingerprints never move. */
class SchemaFilesTest {

  private static final Path SCHEMAS = Path.of("schemas");

  /**
   * The fingerprints as they were before the shared named types were written out in every file that
   * uses them (computed then with Prediction.avsc parsed first). They are on the wire: they must
   * not change.
   */
  static final Map<String, String> FINGERPRINTS =
      Map.of(
          "schemas/ImageRecord.avsc", "8f86ead1276ddc02",
          "schemas/Prediction.avsc", "7fc78d6617ace860",
          "schemas/Embedding.avsc", "689f976f4cb0b0f4",
          "schemas/DeadLetter.avsc", "ac7e12491f2abf54",
          "schemas/history/ImageRecord-v1.avsc", "6095409b5223f694");

  /** Every .avsc file under schemas/, as a path relative to the project, sorted. */
  static List<String> filesOnDisk() throws IOException {
    try (Stream<Path> walk = Files.walk(SCHEMAS)) {
      return walk.filter(p -> p.toString().endsWith(".avsc"))
          .map(p -> p.toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyFileOnDiskIsListedAndHasARecordedFingerprint() throws Exception {
    assertEquals(
        new TreeSet<>(filesOnDisk()),
        new TreeSet<>(SchemaDocs.FILES),
        "SchemaDocs.FILES must list every file in schemas/");
    assertEquals(new TreeSet<>(filesOnDisk()), new TreeSet<>(FINGERPRINTS.keySet()));
  }

  @Test
  void everyFileParsesAloneWithAFreshParser() throws Exception {
    for (String file : filesOnDisk()) {
      Schema s = new Schema.Parser().parse(Path.of(file).toFile());
      assertEquals(Schema.Type.RECORD, s.getType(), file);
    }
  }

  @Test
  void fingerprintsAreThoseFromBeforeTheSharedTypesWereInlined() throws Exception {
    for (String file : filesOnDisk()) {
      Schema s = new Schema.Parser().parse(Path.of(file).toFile());
      assertEquals(FINGERPRINTS.get(file), WireFormat.fingerprint(s), file);
    }
  }

  @Test
  void theGeneratedClassesAreTheFilesParsedAlone() {
    for (Schema generated : SchemaDocs.topLevel()) {
      Schema alone = SchemaDocs.parseAlone("schemas/" + generated.getName() + ".avsc");
      // The generated schema also carries the plugin's avro.java.string properties.
      assertEquals(
          WireFormat.fingerprint(generated), WireFormat.fingerprint(alone), generated.getName());
      assertEquals(generated.getDoc(), alone.getDoc(), generated.getName());
    }
  }

  @Test
  void aNamedTypeWrittenInSeveralFilesIsTheSameInEach() throws Exception {
    // The Maven plugin refuses copies that differ, but Avro's Schema.equals ignores docs: compare
    // the full JSON of each copy.
    Map<String, Map<String, String>> copies = new TreeMap<>();
    for (String file : SchemaDocs.FILES) {
      if (WireFormat.HISTORY.contains(file)) {
        continue; // frozen older versions, not compiled together with the current ones
      }
      Map<String, Schema> named = new HashMap<>();
      collect(SchemaDocs.parseAlone(file), named);
      named.forEach(
          (name, s) -> copies.computeIfAbsent(name, n -> new TreeMap<>()).put(file, s.toString()));
    }
    Map<String, Map<String, String>> shared =
        copies.entrySet().stream()
            .filter(e -> e.getValue().size() > 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertEquals(
        Set.of("io.inceptionstream.avro.SourcePosition"),
        shared.keySet(),
        "the named types more than one file defines");
    assertEquals(
        Set.of("schemas/Prediction.avsc", "schemas/Embedding.avsc", "schemas/DeadLetter.avsc"),
        shared.get("io.inceptionstream.avro.SourcePosition").keySet());
    for (Map.Entry<String, Map<String, String>> e : shared.entrySet()) {
      assertEquals(
          1,
          new TreeSet<>(e.getValue().values()).size(),
          e.getKey() + " is defined differently: " + e.getValue());
    }
  }

  @Test
  void theDocumentationListsEveryFileWithItsFingerprint() throws Exception {
    String docs = Files.readString(Path.of("docs", "schemas.md"), StandardCharsets.UTF_8);
    for (String file : filesOnDisk()) {
      Schema s = new Schema.Parser().parse(Path.of(file).toFile());
      String row = "| `" + file + "` | " + s.getName() + " | `" + WireFormat.fingerprint(s) + "` |";
      assertTrue(
          docs.contains(row), "docs/schemas.md lacks '" + row + "'; run " + SchemaDocsTest.FIX);
    }
  }

  private static void collect(Schema s, Map<String, Schema> named) {
    switch (s.getType()) {
      case RECORD -> {
        if (named.putIfAbsent(s.getFullName(), s) == null) {
          s.getFields().forEach(f -> collect(f.schema(), named));
        }
      }
      case ENUM, FIXED -> named.putIfAbsent(s.getFullName(), s);
      case ARRAY -> collect(s.getElementType(), named);
      case MAP -> collect(s.getValueType(), named);
      case UNION -> s.getTypes().forEach(t -> collect(t, named));
      default -> {}
    }
  }
}
