package io.inceptionstream.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration value that is a credential, such as a SASL password or a JAAS line: it prints as
 * {@value #HIDDEN} wherever it goes ({@link #toString()}), and only {@link #value()} reveals it, as
 * Kafka's {@code org.apache.kafka.common.config.types.Password} does. Immutable.
 */
public final class Secret {

  /** What a secret prints as. */
  public static final String HIDDEN = "[hidden]";

  // a JAAS option whose value is a credential: password="..." (or unquoted up to ; or space)
  private static final Pattern JAAS_SECRET_OPTION =
      Pattern.compile(
          "(?i)\\b[\\w.-]*(?:password|secret|token)[\\w.-]*\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;\"]+))");

  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** A secret holding {@code value}. */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The credential itself, for the one place that hands it to a client. */
  public String value() {
    return value;
  }

  /** Always {@value #HIDDEN}. */
  @Override
  public String toString() {
    return HIDDEN;
  }

  /** Compares in time independent of where the values differ. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /**
   * Whether a Kafka client property's value may be a credential and must never be printed: names
   * containing {@code password}, {@code secret} or {@code jaas}, and names ending in {@code .key}
   * ({@code ssl.keystore.key} holds a PEM private key).
   */
  public static boolean isSecretProperty(String property) {
    return KafkaPassThrough.isSecret(property);
  }

  /**
   * An unmodifiable view of Kafka client properties whose {@code toString()} shows every {@link
   * #isSecretProperty secret} value as {@value #HIDDEN}; reading through the map gives the real
   * values. Logging such a map, or a record holding one, prints no credential.
   */
  public static Map<String, String> hidingMap(Map<String, String> properties) {
    return new HidingMap(Collections.unmodifiableMap(new LinkedHashMap<>(properties)));
  }

  /** {@code properties} with each {@link #isSecretProperty secret} value as {@value #HIDDEN}. */
  public static Map<String, String> masked(Map<String, String> properties) {
    Map<String, String> shown = new LinkedHashMap<>();
    properties.forEach((k, v) -> shown.put(k, isSecretProperty(k) ? HIDDEN : v));
    return Collections.unmodifiableMap(shown);
  }

  /**
   * The credentials among Kafka client properties, for {@link #redact}: the value of every secret
   * property, and each password-like option inside a JAAS line, since a client's parse error may
   * quote one option alone.
   */
  public static Set<Secret> secretsIn(Map<String, String> properties) {
    Set<Secret> secrets = new LinkedHashSet<>();
    properties.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty() && isSecretProperty(k)) {
            secrets.add(of(v));
            Matcher m = JAAS_SECRET_OPTION.matcher(v);
            while (m.find()) {
              String option = m.group(1) != null ? m.group(1) : m.group(2);
              if (!option.isEmpty()) {
                secrets.add(of(option));
              }
            }
          }
        });
    return Collections.unmodifiableSet(secrets);
  }

  /**
   * {@code text} with every occurrence of each secret's value replaced by {@value #HIDDEN}, longest
   * first so that a secret containing another is hidden whole; for messages that quote input, such
   * as a Kafka client's complaint about a malformed {@code sasl.jaas.config}.
   */
  public static String redact(String text, Collection<Secret> secrets) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (Secret s :
        secrets.stream()
            .sorted((a, b) -> Integer.compare(b.value.length(), a.value.length()))
            .toList()) {
      if (!s.value.isEmpty()) {
        out = out.replace(s.value, HIDDEN);
      }
    }
    return out;
  }

  /** Read-only properties that print with their secrets hidden. */
  private static final class HidingMap extends AbstractMap<String, String> {
    private final Map<String, String> delegate;

    HidingMap(Map<String, String> delegate) {
      this.delegate = delegate;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      return delegate.entrySet();
    }

    @Override
    public String get(Object key) {
      return delegate.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return delegate.containsKey(key);
    }

    @Override
    public int size() {
      return delegate.size();
    }

    @Override
    public String toString() {
      return masked(delegate).toString();
    }
  }
}
