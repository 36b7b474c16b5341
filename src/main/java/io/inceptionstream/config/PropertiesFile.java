package io.inceptionstream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Reads a {@link Properties} file as UTF-8, or as ISO-8859-1 when it is not UTF-8 (as
 * ResourceBundle does), for the worker configuration file and the {@code kafka.config} file.
 * Stateless.
 */
final class PropertiesFile {

  private PropertiesFile() {}

  /**
   * @param what the file's role, for the message: {@code Cannot read <what> <file>: <reason>}
   * @throws ConfigException when the file is missing, unreadable or malformed
   */
  static Properties read(Path file, String what) {
    try {
      try {
        return load(file, StandardCharsets.UTF_8);
      } catch (CharacterCodingException e) {
        return load(file, StandardCharsets.ISO_8859_1);
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException("Cannot read " + what + " " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new ConfigException("Cannot read " + what + " " + file + ": permission denied");
    } catch (IOException | IllegalArgumentException e) {
      // IllegalArgumentException: a malformed \\uXXXX escape
      throw new ConfigException("Cannot read " + what + " " + file + ": " + e.getMessage());
    }
  }

  private static Properties load(Path file, Charset charset) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, charset)) {
      properties.load(reader);
    }
    return properties;
  }
}
