package io.inceptionstream.cli;

import static java.nio.file.StandardOpenOption.APPEND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inceptionstream.config.ConfigDocs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void printsTheGeneratedReference() {
    assertEquals(0, run("config", "reference"));
    assertEquals(ConfigDocs.reference(), out.toString());
  }

  @Test
  void updatesTheReferenceInAMarkdownFile(@TempDir Path dir) throws IOException {
    Path md = dir.resolve("configuration.md");
    Files.writeString(md, "intro\n" + ConfigDocs.START + "\nstale\n" + ConfigDocs.END + "\n");
    assertEquals(0, run("config", "reference", "--update", md.toString()));
    assertEquals(ConfigDocs.reference(), ConfigDocs.between(Files.readString(md)));
    assertEquals(2, run("config", "reference", "--update", dir.resolve("missing.md").toString()));
    assertTrue(err.toString().contains("missing.md: no such file"), err.toString());
  }

  @Test
  void showsEffectiveValuesWithCredentialsHidden(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("worker.properties");
    Files.writeString(file, "bootstrap-servers=file:9092\nbatch.max-size=8\n");
    int code =
        run(
            "config",
            "show",
            "--config",
            file.toString(),
            "--set",
            "batch.max-size=16",
            "--set",
            "kafka.sasl.jaas.config=PlainLoginModule required password=s3cr3t;",
            "--set",
            "kafka.consumer.client.id=a=b");
    assertEquals(0, code, err.toString());
    String shown = out.toString();
    assertTrue(shown.contains("bootstrap-servers = file:9092\n"), shown);
    assertTrue(shown.contains("batch.max-size = 16\n"), shown);
    assertTrue(shown.contains("kafka.consumer.sasl.jaas.config = [hidden]\n"), shown);
    assertTrue(
        shown.contains("kafka.consumer.client.id = a=b\n"),
        "--set splits at the first '=': " + shown);
    assertFalse(shown.contains("s3cr3t"), shown);
  }

  @Test
  void showsTheKafkaConfigFilePropertiesOnEveryClientWithCredentialsHidden(@TempDir Path dir)
      throws IOException {
    Path client = dir.resolve("client.properties");
    Files.writeString(client, "security.protocol=SASL_SSL\nsasl.jaas.config=password=s3cr3t;\n");
    int code =
        run(
            "config",
            "show",
            "--set",
            "bootstrap-servers=b:9092",
            "--set",
            "kafka.config=" + client);
    assertEquals(0, code, err.toString());
    String shown = out.toString();
    assertTrue(shown.contains("kafka.config = " + client + "\n"), shown);
    for (String c : new String[] {"consumer", "producer", "admin"}) {
      assertTrue(shown.contains("kafka." + c + ".security.protocol = SASL_SSL\n"), shown);
      assertTrue(shown.contains("kafka." + c + ".sasl.jaas.config = [hidden]\n"), shown);
    }
    assertFalse(shown.contains("s3cr3t"), shown);
  }

  @Test
  void reportsEveryConfigurationProblemWithExitCodeTwo() {
    assertEquals(2, run("config", "show", "--set", "batch.max-size=0", "--set", "colour=blue"));
    String e = err.toString();
    assertTrue(e.startsWith("error: 3 configuration problems:\n"), e);
    assertTrue(
        e.contains(
            "\n  Missing required configuration bootstrap-servers which has no default value"),
        e);
    assertTrue(
        e.contains(
            "\n  Invalid value 0 for configuration batch.max-size: must be auto or an integer between 1 and 4096"),
        e);
    assertTrue(e.contains("\n  Unknown configuration colour on the command line"), e);
  }

  @Test
  void showsJsonAndReportsProblemsWithoutEchoingAnyCredential(@TempDir Path dir)
      throws IOException {
    String secret = "S3cr3t-show-8Lp";
    Path client = dir.resolve("client.properties");
    Files.writeString(
        client,
        "sasl.jaas.config=ScramLoginModule required username=\"w\" password=\""
            + secret
            + "\";\nssl.truststore.password="
            + secret
            + "\n");
    assertEquals(
        0,
        run(
            "config",
            "show",
            "--json",
            "--set",
            "bootstrap-servers=b:9092",
            "--set",
            "kafka.config=" + client,
            "--set",
            "kafka.producer.ssl.key.password=" + secret));
    String json = out.toString();
    assertTrue(json.contains("\"kafka.producer.ssl.key.password\" : \"[hidden]\""), json);
    assertTrue(json.contains("\"kafka.admin.ssl.truststore.password\" : \"[hidden]\""), json);
    assertFalse(json.contains(secret), json);

    out.getBuffer().setLength(0);
    Files.writeString(client, "bootstrap.servers=" + secret + "\n=" + secret + "\n", APPEND);
    assertEquals(
        2,
        run(
            "config",
            "show",
            "--set",
            "kafka.config=" + client,
            "--set",
            "kafka.producer.transactional.id=" + secret,
            "--set",
            "kafka.consumer=" + secret));
    String e = err.toString();
    assertTrue(e.contains("kafka.config file " + client), e);
    assertTrue(e.contains("kafka.producer.transactional.id"), e);
    assertFalse(e.contains(secret), e);
    assertFalse(out.toString().contains(secret), out.toString());
  }
}
