package io.inceptionstream.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaDocsTest {

  static final String FIX = "mvn -B -q -o test -Dtest=SchemaDocsTest -Dschema.docs.update=true";
  private static final Path DOCS = Path.of("docs", "schemas.md");

  @Test
  void documentationMatchesTheSchemas() throws Exception {
    if (Boolean.getBoolean("schema.docs.update")) {
      SchemaDocs.update(DOCS);
    }
    assertEquals(
        SchemaDocs.reference(),
        SchemaDocs.between(Files.readString(DOCS, StandardCharsets.UTF_8)),
        DOCS + " is out of date with schemas/. Regenerate it with: " + FIX);
  }

  @Test
  void everyFieldOfThePublicSchemasIsDocumented() {
    for (Schema s : SchemaDocs.topLevel()) {
      for (Schema.Field f : s.getFields()) {
        assertTrue(
            f.doc() != null && !f.doc().isBlank(), s.getName() + "." + f.name() + " has no doc");
      }
    }
  }

  @Test
  void onlyIdAndImageAreRequiredOnTheInput() {
    for (Schema.Field f : ImageRecord.getClassSchema().getFields()) {
      assertEquals(
          !f.name().equals("id") && !f.name().equals("image"), f.hasDefaultValue(), f.name());
    }
  }
}
