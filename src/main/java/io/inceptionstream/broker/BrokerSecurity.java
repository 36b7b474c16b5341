package io.inceptionstream.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.config.types.Password;

/**
 * Security for an {@link EmbeddedBroker}: its client listener speaks {@code SASL_SSL} with {@code
 * SCRAM-SHA-512}, the {@code StandardAuthorizer} is on with {@code admin} as the super user, and
 * the SCRAM users are written into the metadata when the data directory is formatted (as {@code
 * kafka-storage format --add-scram} does). The broker talks to itself on the same listener as
 * {@code admin}. The controller listener stays {@code PLAINTEXT} on 127.0.0.1 (SCRAM on the
 * controller listener is unreliable, KAFKA-15513), so its unauthenticated principal, {@code
 * User:ANONYMOUS}, which the node's own broker-to-controller requests carry, is a super user too.
 * Immutable; passwords are Kafka {@link Password}s, so {@link #toString()} never shows them.
 *
 * @param keyStore PKCS12 key store with the broker's private key and certificate (SAN {@code
 *     DNS:localhost,IP:127.0.0.1}) chained to a CA
 * @param trustStore PKCS12 trust store with that CA, for the broker's connections to itself
 * @param storePassword password of both stores and of the key
 * @param admin name of the super user, the broker's own inter-broker identity
 * @param adminPassword its SCRAM password
 * @param users further SCRAM users → passwords; none may be called {@code admin}
 */
public record BrokerSecurity(
    Path keyStore,
    Path trustStore,
    Password storePassword,
    String admin,
    Password adminPassword,
    Map<String, Password> users) {

  /** The only SASL mechanism the client listener enables. */
  public static final String MECHANISM = "SCRAM-SHA-512";

  /** Name, and security protocol, of the client listener. */
  static final String LISTENER = "SASL_SSL";

  public BrokerSecurity {
    Objects.requireNonNull(keyStore, "keyStore");
    Objects.requireNonNull(trustStore, "trustStore");
    Objects.requireNonNull(storePassword, "storePassword");
    Objects.requireNonNull(adminPassword, "adminPassword");
    checkName(admin);
    checkPassword(admin, adminPassword);
    users = Collections.unmodifiableMap(new TreeMap<>(users));
    for (Map.Entry<String, Password> u : users.entrySet()) {
      checkName(u.getKey());
      checkPassword(u.getKey(), u.getValue());
      if (u.getKey().equals(admin)) {
        throw new IllegalArgumentException(
            "Invalid user " + u.getKey() + ": it is the super user already");
      }
    }
  }

  /** The JAAS line that logs in as {@code user} with SCRAM, for {@code sasl.jaas.config}. */
  public static String jaasConfig(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /** Broker settings that turn a PLAINTEXT node's client listener into this one. */
  Map<String, Object> settings() {
    Map<String, Object> s = new TreeMap<>();
    s.put("sasl.enabled.mechanisms", MECHANISM);
    s.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    String prefix = "listener.name." + LISTENER.toLowerCase(Locale.ROOT) + ".";
    s.put(
        prefix + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
        jaasConfig(admin, adminPassword.value()));
    s.put("ssl.keystore.type", "PKCS12");
    s.put("ssl.keystore.location", keyStore.toString());
    s.put("ssl.keystore.password", storePassword.value());
    s.put("ssl.key.password", storePassword.value());
    s.put("ssl.truststore.type", "PKCS12");
    s.put("ssl.truststore.location", trustStore.toString());
    s.put("ssl.truststore.password", storePassword.value());
    s.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    s.put("super.users", "User:" + admin + ";User:ANONYMOUS");
    s.put("allow.everyone.if.no.acl.found", "false");
    return s;
  }

  /** The formatter's {@code --add-scram} arguments: every user, admin first. */
  List<String> scramArguments() {
    List<String> args = new ArrayList<>();
    args.add(scramArgument(admin, adminPassword));
    users.forEach((name, password) -> args.add(scramArgument(name, password)));
    return args;
  }

  private static String scramArgument(String name, Password password) {
    return MECHANISM + "=[name=" + name + ",password=" + password.value() + "]";
  }

  // the formatter's --add-scram syntax and the JAAS line quote neither of these
  private static void checkPassword(String user, Password password) {
    Objects.requireNonNull(password, "password of " + user);
    if (password.value().isEmpty() || password.value().matches(".*[\\s\",\\[\\]\\\\].*")) {
      throw new IllegalArgumentException(
          "Invalid password of user "
              + user
              + ": must be non-empty, without spaces, quotes, commas, brackets or backslashes");
    }
  }

  private static void checkName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "Invalid user name " + name + ": must be letters, digits, '.', '_' or '-'");
    }
  }
}
