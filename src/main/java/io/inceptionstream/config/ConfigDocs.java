package io.inceptionstream.config;

import io.inceptionstream.config.KafkaPassThrough.Client;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Renders the configuration reference from {@link WorkerConfigDef}, for {@code
 * docs/configuration.md} (between {@link #START} and {@link #END}) and {@code inception-stream
 * config reference}.
 */
public final class ConfigDocs {

  /** The line before the generated reference in a Markdown file. */
  public static final String START = "<!-- config-reference:start -->";

  /** The line after the generated reference in a Markdown file. */
  public static final String END = "<!-- config-reference:end -->";

  private ConfigDocs() {}

  /**
   * The key table: key, type, default and description (the documentation followed by the key's
   * rules), one row per declared key in declaration order. Ends with a newline.
   */
  public static String markdownTable() {
    StringBuilder md = new StringBuilder();
    md.append("| Key | Type | Default | Description |\n");
    md.append("|---|---|---|---|\n");
    for (ConfigKey<?> k : WorkerConfigDef.keys()) {
      md.append("| `")
          .append(k.name())
          .append("` | ")
          .append(k.type().displayName())
          .append(" | ")
          .append(defaultCell(k))
          .append(" | ")
          .append(cell(description(k)))
          .append(" |\n");
    }
    return md.toString();
  }

  /** The Kafka client properties the worker sets itself, which {@code kafka.*} keys may not set. */
  public static String protectedKafkaTable() {
    StringBuilder md = new StringBuilder();
    md.append("| Client | Property | Note |\n");
    md.append("|---|---|---|\n");
    for (Client c : Client.values()) {
      for (Map.Entry<String, String> e : KafkaPassThrough.protectedProperties(c).entrySet()) {
        md.append("| ")
            .append(c.externalName())
            .append(" | `")
            .append(e.getKey())
            .append("` | ")
            .append(cell(e.getValue()))
            .append(" |\n");
      }
    }
    return md.toString();
  }

  /** Everything between the markers: the key table, then the protected Kafka properties. */
  public static String reference() {
    return markdownTable()
        + "\nKafka properties the worker sets itself, refused in `kafka.*` keys and in the"
        + " `kafka.config` file:\n\n"
        + protectedKafkaTable();
  }

  /** The text between {@link #START} and {@link #END} in a document, without the marker lines. */
  public static String between(String document) {
    String text = document.replace("\r\n", "\n");
    int start = text.indexOf(START + "\n");
    int end = text.indexOf(END, Math.max(start, 0));
    if (start < 0 || end < 0) {
      throw new IllegalArgumentException(
          "The document has no " + START + " ... " + END + " section");
    }
    return text.substring(start + START.length() + 1, end);
  }

  /** Replaces the text between the markers of a Markdown file with {@link #reference()}. */
  public static void update(Path markdown) throws IOException {
    String text = Files.readString(markdown, StandardCharsets.UTF_8).replace("\r\n", "\n");
    String old = between(text);
    int start = text.indexOf(START + "\n") + START.length() + 1;
    String updated = text.substring(0, start) + reference() + text.substring(start + old.length());
    Files.writeString(markdown, updated, StandardCharsets.UTF_8);
  }

  private static String defaultCell(ConfigKey<?> k) {
    if (k.required()) {
      return "*required*";
    }
    return k.defaultValue().isEmpty() ? "*empty*" : "`" + k.defaultValue() + "`";
  }

  private static String description(ConfigKey<?> k) {
    StringBuilder d = new StringBuilder(k.documentation());
    List<String> rules = k.validator().description();
    for (String rule : rules) {
      d.append(' ')
          .append(Character.toUpperCase(rule.charAt(0)))
          .append(rule.substring(1))
          .append('.');
    }
    return d.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
