package dev.llmclient.containers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and one server certificate it signed, made with the host's
 * {@code openssl} at test time, plus a PKCS12 trust store holding only that CA.
 *
 * <p>The server certificate is valid for {@code IP:127.0.0.1} and {@code DNS:llm-gateway.test}
 * only, so a client that calls {@code https://localhost:...} sees a hostname mismatch.
 *
 * @param caCertificate the CA certificate, PEM
 * @param serverCertificate the server certificate, PEM
 * @param serverKey the server's private key, PEM
 * @param trustStore the PKCS12 trust store with the CA
 * @param trustStorePassword the trust store's password
 */
record TestCertificates(
    Path caCertificate,
    Path serverCertificate,
    Path serverKey,
    Path trustStore,
    String trustStorePassword) {

  /** The names the server certificate is valid for. */
  static final String SUBJECT_ALT_NAMES = "IP:127.0.0.1,DNS:llm-gateway.test";

  /**
   * Makes the CA, the server certificate and the trust store in {@code dir}.
   *
   * @param dir an empty folder
   * @return the files
   * @throws IllegalStateException when openssl is missing or fails, saying what to install
   */
  static TestCertificates create(Path dir) {
    try {
      Path caKey = dir.resolve("ca.key");
      Path caCrt = dir.resolve("ca.crt");
      Path key = dir.resolve("server.key");
      Path csr = dir.resolve("server.csr");
      Path crt = dir.resolve("server.crt");
      Path ext = dir.resolve("server.ext");
      Files.writeString(
          ext,
          "subjectAltName="
              + SUBJECT_ALT_NAMES
              + "\n"
              + "basicConstraints=critical,CA:FALSE\n"
              + "keyUsage=critical,digitalSignature\n"
              + "extendedKeyUsage=serverAuth\n",
          StandardCharsets.UTF_8);
      openssl(
          dir,
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          caKey.toString(),
          "-out",
          caCrt.toString(),
          "-days",
          "2",
          "-subj",
          "/CN=llmclient container-tests CA",
          "-addext",
          "basicConstraints=critical,CA:TRUE",
          "-addext",
          "keyUsage=critical,keyCertSign,cRLSign");
      openssl(
          dir,
          "req",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          key.toString(),
          "-out",
          csr.toString(),
          "-subj",
          "/CN=llm-gateway.test");
      openssl(
          dir,
          "x509",
          "-req",
          "-in",
          csr.toString(),
          "-CA",
          caCrt.toString(),
          "-CAkey",
          caKey.toString(),
          "-CAcreateserial",
          "-out",
          crt.toString(),
          "-days",
          "2",
          "-extfile",
          ext.toString());
      String password = "container-tests";
      Path trustStore = dir.resolve("truststore.p12");
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      try (InputStream in = Files.newInputStream(caCrt)) {
        Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
        store.setCertificateEntry("llmclient-test-ca", ca);
      }
      try (OutputStream out = Files.newOutputStream(trustStore)) {
        store.store(out, password.toCharArray());
      }
      return new TestCertificates(caCrt, crt, key, trustStore, password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not write the test trust store", e);
    }
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process process;
    try {
      process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "The TLS tests make their certificates with openssl, which is not on the PATH."
              + " Install it (Debian: apt-get install openssl) and run the tests again.",
          e);
    }
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while running openssl", e);
    }
  }
}
