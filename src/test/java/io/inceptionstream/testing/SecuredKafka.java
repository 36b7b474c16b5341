package io.inceptionstream.testing;

import io.inceptionstream.broker.BrokerSecurity;
import io.inceptionstream.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * An {@link EmbeddedBroker} in this JVM whose client listener is {@code SASL_SSL} with
 * SCRAM-SHA-512 and the standard authorizer, with fresh TLS certificates, the super user {@code
 * admin} and the users given; and the client properties files that log in as each. Not thread-safe.
 */
public final class SecuredKafka implements AutoCloseable {

  /** The super user. */
  public static final String ADMIN = "admin";

  private final EmbeddedBroker broker;
  private final TestCertificates certificates;
  private final Map<String, String> passwords;
  private final Path dir;

  private SecuredKafka(
      EmbeddedBroker broker,
      TestCertificates certificates,
      Map<String, String> passwords,
      Path dir) {
    this.broker = broker;
    this.certificates = certificates;
    this.passwords = passwords;
    this.dir = dir;
  }

  /**
   * Starts a broker in {@code dir} with {@code admin} (password {@code adminPassword}) and these
   * users → passwords.
   */
  public static SecuredKafka start(Path dir, String adminPassword, Map<String, String> users)
      throws Exception {
    TestCertificates certs = TestCertificates.create(dir.resolve("tls"), "store-" + adminPassword);
    Map<String, Password> scram = new LinkedHashMap<>();
    users.forEach((u, p) -> scram.put(u, new Password(p)));
    BrokerSecurity security =
        new BrokerSecurity(
            certs.keyStore(),
            certs.trustStore(),
            new Password(certs.password()),
            ADMIN,
            new Password(adminPassword),
            scram);
    EmbeddedBroker broker = EmbeddedBroker.start(0, dir.resolve("kafka"), security);
    Map<String, String> passwords = new LinkedHashMap<>(users);
    passwords.put(ADMIN, adminPassword);
    return new SecuredKafka(broker, certs, passwords, dir);
  }

  /** {@code 127.0.0.1:PORT} of the SASL_SSL listener. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** Client properties that log in as {@code user} with {@code password}. */
  public Map<String, String> clientProperties(String user, String password) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", BrokerSecurity.MECHANISM);
    p.put("sasl.jaas.config", BrokerSecurity.jaasConfig(user, password));
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.location", certificates.trustStore().toString());
    p.put("ssl.truststore.password", certificates.password());
    return p;
  }

  /** Client properties that log in as {@code user} with the right password. */
  public Map<String, String> clientProperties(String user) {
    return clientProperties(user, passwords.get(user));
  }

  /** Writes {@code properties} to a new client properties file, for {@code --kafka-config}. */
  public Path clientConfigFile(String name, Map<String, String> properties) throws IOException {
    Properties p = new Properties();
    p.putAll(properties);
    Path file = dir.resolve(name + ".properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, null);
    }
    return file;
  }

  /** An admin client logged in as the super user. */
  public Admin admin() {
    Map<String, Object> p = new LinkedHashMap<>(clientProperties(ADMIN));
    p.put("bootstrap.servers", bootstrapServers());
    return Admin.create(p);
  }

  /** Allows {@code user} each operation on one literal resource, as the super user. */
  public void allow(String user, ResourceType type, String name, AclOperation... operations)
      throws Exception {
    List<AclBinding> acls = new ArrayList<>();
    for (AclOperation op : operations) {
      acls.add(
          new AclBinding(
              new ResourcePattern(type, name, PatternType.LITERAL),
              new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)));
    }
    try (Admin admin = admin()) {
      admin.createAcls(acls).all().get();
    }
  }

  @Override
  public void close() {
    broker.close();
  }
}
