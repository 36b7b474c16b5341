package io.inceptionstream.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class BrokerSecurityTest {

  private static final String SECRET = "S3cr3t-broker-2Hn";

  private static BrokerSecurity security(Map<String, Password> users) {
    return new BrokerSecurity(
        Path.of("server.p12"),
        Path.of("truststore.p12"),
        new Password("store-" + SECRET),
        "admin",
        new Password(SECRET),
        users);
  }

  @Test
  void printsNoPassword() {
    BrokerSecurity s = security(Map.of("worker", new Password(SECRET + "-w")));
    assertFalse(s.toString().contains(SECRET), s.toString());
  }

  @Test
  void securesTheClientListenerAndLeavesTheControllerListenerPlaintext() {
    BrokerSecurity s = security(Map.of());
    Map<String, Object> settings =
        EmbeddedBroker.settings(Path.of("kafka"), new ListenerPorts(9092, 9093), s);
    assertEquals(
        "SASL_SSL://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", settings.get("listeners"));
    assertEquals("SASL_SSL://127.0.0.1:9092", settings.get("advertised.listeners"));
    assertEquals(
        "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT", settings.get("listener.security.protocol.map"));
    assertEquals("SASL_SSL", settings.get("inter.broker.listener.name"));
    assertEquals("SCRAM-SHA-512", settings.get("sasl.enabled.mechanisms"));
    assertEquals(
        "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        settings.get("authorizer.class.name"));
    assertEquals("User:admin;User:ANONYMOUS", settings.get("super.users"));
    assertEquals("false", settings.get("allow.everyone.if.no.acl.found"));
    assertTrue(
        String.valueOf(settings.get("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config"))
            .contains("username=\"admin\""));
    assertEquals(
        "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
        EmbeddedBroker.settings(Path.of("kafka"), new ListenerPorts(9092, 9093)).get("listeners"));
  }

  @Test
  void formatsEveryUserAdminFirst() {
    BrokerSecurity s = security(Map.of("worker", new Password("w-pass")));
    assertEquals(
        List.of(
            "SCRAM-SHA-512=[name=admin,password=" + SECRET + "]",
            "SCRAM-SHA-512=[name=worker,password=w-pass]"),
        s.scramArguments());
  }

  @Test
  void refusesPasswordsTheFormatterOrJaasCannotQuoteAndASecondAdmin() {
    for (String bad : List.of("", "a,b", "a\"b", "a]b", "a b", "a\\b")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> security(Map.of("worker", new Password(bad))),
              bad);
      assertEquals(
          "Invalid password of user worker: must be non-empty, without spaces, quotes, commas,"
              + " brackets or backslashes",
          e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class, () -> security(Map.of("admin", new Password("x"))));
    assertThrows(
        IllegalArgumentException.class, () -> security(Map.of("bad name", new Password("x"))));
  }
}
