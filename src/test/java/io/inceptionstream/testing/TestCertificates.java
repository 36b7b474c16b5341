package io.inceptionstream.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS material for a test broker, made with the JDK's {@code keytool}: a CA, a server key and
 * certificate signed by it for {@code DNS:localhost,IP:127.0.0.1}, and a trust store holding the
 * CA, all PKCS12 with one password. Nothing is downloaded and nothing outlives the directory.
 *
 * @param keyStore the server's key and certificate chain
 * @param trustStore the CA certificate, for clients and for the broker itself
 * @param password password of both stores and of the key
 */
public record TestCertificates(Path keyStore, Path trustStore, String password) {

  /** Creates the stores in {@code dir}. */
  public static TestCertificates create(Path dir, String password) throws Exception {
    Files.createDirectories(dir);
    Path ca = dir.resolve("ca.p12");
    Path caCert = dir.resolve("ca.pem");
    Path server = dir.resolve("server.p12");
    Path request = dir.resolve("server.csr");
    Path signed = dir.resolve("server.pem");
    Path trust = dir.resolve("truststore.p12");
    String[] store = {"-storetype", "PKCS12", "-storepass", password};
    keytool(
        dir,
        store,
        "-genkeypair",
        "-keystore",
        ca.toString(),
        "-alias",
        "ca",
        "-dname",
        "CN=inception-stream test CA",
        "-keyalg",
        "EC",
        "-validity",
        "2",
        "-ext",
        "bc:c");
    keytool(
        dir,
        store,
        "-exportcert",
        "-rfc",
        "-keystore",
        ca.toString(),
        "-alias",
        "ca",
        "-file",
        caCert.toString());
    keytool(
        dir,
        store,
        "-genkeypair",
        "-keystore",
        server.toString(),
        "-alias",
        "broker",
        "-dname",
        "CN=localhost",
        "-keyalg",
        "EC",
        "-validity",
        "2");
    keytool(
        dir,
        store,
        "-certreq",
        "-keystore",
        server.toString(),
        "-alias",
        "broker",
        "-file",
        request.toString());
    keytool(
        dir,
        store,
        "-gencert",
        "-keystore",
        ca.toString(),
        "-alias",
        "ca",
        "-rfc",
        "-validity",
        "2",
        "-ext",
        "SAN=DNS:localhost,IP:127.0.0.1",
        "-ext",
        "EKU=serverAuth,clientAuth",
        "-infile",
        request.toString(),
        "-outfile",
        signed.toString());
    keytool(
        dir,
        store,
        "-importcert",
        "-noprompt",
        "-keystore",
        server.toString(),
        "-alias",
        "ca",
        "-file",
        caCert.toString());
    keytool(
        dir,
        store,
        "-importcert",
        "-keystore",
        server.toString(),
        "-alias",
        "broker",
        "-file",
        signed.toString());
    keytool(
        dir,
        store,
        "-importcert",
        "-noprompt",
        "-keystore",
        trust.toString(),
        "-alias",
        "ca",
        "-file",
        caCert.toString());
    return new TestCertificates(server, trust, password);
  }

  /** Hides the password, like every other holder of a secret in this project. */
  @Override
  public String toString() {
    return "TestCertificates[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
  }

  private static void keytool(Path dir, String[] store, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of(store));
    Path log = dir.resolve("keytool.log");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(devNull(dir)))
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("keytool " + args[0] + " did not finish in 60 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "keytool "
              + args[0]
              + " exited with "
              + p.exitValue()
              + ": "
              + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  private static java.io.File devNull(Path dir) throws IOException {
    Path empty = dir.resolve("empty-input");
    if (!Files.exists(empty)) {
      Files.createFile(empty);
    }
    return empty.toFile();
  }
}
