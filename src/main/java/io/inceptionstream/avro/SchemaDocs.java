package io.inceptionstream.avro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * The field-by-field reference of the wire schemas, generated from the schemas' own {@code doc}
 * strings (the single source), for docs/schemas.md. Stateless.
 */
public final class SchemaDocs {

  public static final String START = "<!-- schema-reference:start -->";
  public static final String END = "<!-- schema-reference:end -->";

  private SchemaDocs() {}

  /** The four top-level schemas, in the order they flow. */
  public static List<Schema> topLevel() {
    return List.of(
        ImageRecord.getClassSchema(),
        Prediction.getClassSchema(),
        Embedding.getClassSchema(),
        DeadLetter.getClassSchema());
  }

  /**
   * Every schema file, as a class-path resource (the {@code schemas/} directory is packaged): the
   * current versions, then the older ones of {@link WireFormat#HISTORY}.
   */
  public static final List<String> FILES =
      Stream.concat(
              Stream.of(
                  "schemas/ImageRecord.avsc",
                  "schemas/Prediction.avsc",
                  "schemas/Embedding.avsc",
                  "schemas/DeadLetter.avsc"),
              WireFormat.HISTORY.stream())
          .toList();

  /**
   * Parses one schema file of {@link #FILES} with a fresh parser, as a client in any language does:
   * each file defines every named type it uses.
   */
  public static Schema parseAlone(String resource) {
    try (InputStream in = SchemaDocs.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Schema " + resource + " missing from the class path");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }

  /** Markdown: one section per record type (nested records included), one row per field. */
  public static String reference() {
    StringBuilder sb = new StringBuilder();
    sb.append("### Schema files\n\n").append("| file | type | fingerprint |\n|---|---|---|\n");
    for (String file : FILES) {
      Schema s = parseAlone(file);
      sb.append("| `")
          .append(file)
          .append("` | ")
          .append(s.getName())
          .append(" | `")
          .append(WireFormat.fingerprint(s))
          .append("` |\n");
    }
    sb.append('\n');
    Set<String> done = new LinkedHashSet<>();
    List<Schema> queue = new ArrayList<>(topLevel());
    while (!queue.isEmpty()) {
      Schema s = queue.remove(0);
      if (!done.add(s.getFullName())) {
        continue;
      }
      sb.append("### ").append(s.getName()).append("\n\n");
      if (s.getDoc() != null) {
        sb.append(s.getDoc()).append("\n\n");
      }
      if (topLevel().contains(s)) {
        sb.append(
                "Fingerprint (CRC-64-AVRO of the canonical form, as in the single-object header): `")
            .append(WireFormat.fingerprint(s))
            .append("`\n\n");
      }
      sb.append("| field | type | default | description |\n|---|---|---|---|\n");
      for (Schema.Field f : s.getFields()) {
        sb.append("| `")
            .append(f.name())
            .append("` | ")
            .append(type(f.schema()))
            .append(" | ")
            .append(defaultOf(f))
            .append(" | ")
            .append(f.doc() == null ? "" : f.doc().replace("|", "\\|"))
            .append(" |\n");
        nested(f.schema(), queue);
      }
      sb.append('\n');
    }
    return sb.toString().strip() + "\n";
  }

  private static void nested(Schema s, List<Schema> queue) {
    switch (s.getType()) {
      case RECORD -> queue.add(s);
      case ARRAY -> nested(s.getElementType(), queue);
      case MAP -> nested(s.getValueType(), queue);
      case UNION -> s.getTypes().forEach(t -> nested(t, queue));
      default -> {}
    }
  }

  static String type(Schema s) {
    return switch (s.getType()) {
      case UNION -> String.join(" or ", s.getTypes().stream().map(SchemaDocs::type).toList());
      case ARRAY -> "array of " + type(s.getElementType());
      case MAP -> "map of " + type(s.getValueType());
      case RECORD, ENUM ->
          s.getType() == Schema.Type.ENUM
              ? "enum " + s.getName() + " " + s.getEnumSymbols()
              : s.getName();
      default ->
          s.getLogicalType() != null
              ? s.getType().getName() + " (" + s.getLogicalType().getName() + ")"
              : s.getType().getName();
    };
  }

  private static String defaultOf(Schema.Field f) {
    if (!f.hasDefaultValue()) {
      return "*required*";
    }
    Object v = f.defaultVal();
    if (v == JsonProperties.NULL_VALUE) {
      return "`null`";
    }
    return "`" + v + "`";
  }

  /** The text between the markers of a document. */
  public static String between(String document) {
    int a = document.indexOf(START);
    int b = document.indexOf(END);
    if (a < 0 || b < a) {
      throw new IllegalArgumentException("Markers " + START + " and " + END + " not found");
    }
    return document.substring(a + START.length(), b).replace("\r\n", "\n").strip() + "\n";
  }

  /** Rewrites the text between the markers of a markdown file. */
  public static void update(Path markdown) throws IOException {
    String doc = Files.readString(markdown, StandardCharsets.UTF_8);
    int a = doc.indexOf(START);
    int b = doc.indexOf(END);
    if (a < 0 || b < a) {
      throw new IllegalArgumentException(markdown + " lacks the markers " + START + " and " + END);
    }
    Files.writeString(
        markdown,
        doc.substring(0, a + START.length()) + "\n" + reference().strip() + "\n" + doc.substring(b),
        StandardCharsets.UTF_8);
  }
}
