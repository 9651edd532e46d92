package dev.llmclient.it.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Prism mock server on an official spec, validating every request it receives.
 *
 * <p>Prism is installed with npm at a pinned version into a cache folder ({@code
 * ~/.cache/llmclient/prism-5.16.1}, once per machine), the spec is prepared with {@code
 * specs/tools/prism-prep.js} (strict nullable handling, Azure's {@code /openai} prefix, only the
 * chat and embeddings paths, for a start-up of seconds) and given named embeddings examples that a
 * client can decode (see {@link #addEmbeddingExamples}), and the server listens on a free loopback
 * port. Without Node.js the tests fail and say what to install: they never skip.
 */
final class PrismMock implements AutoCloseable {

  static final String PRISM_PACKAGE = "@stainless-api/prism-cli@5.16.1";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

  /** Which official spec to serve. */
  enum Spec {
    OPENAI(
        "openai-openapi.yaml",
        "openai.min.examples.json",
        "/chat/completions,/embeddings",
        "",
        "/embeddings"),
    AZURE(
        "azure-openai-inference-2024-10-21.json",
        "azure.min.patched.examples.json",
        "/deployments/{deployment-id}/chat/completions,/deployments/{deployment-id}/embeddings",
        "/openai",
        "/openai/deployments/{deployment-id}/embeddings"),
    /** The Files and Batches APIs, and chat completions for each batch line's body. */
    OPENAI_BATCH(
        "openai-openapi.yaml",
        "openai.batch.min.json",
        "/files,/files/{file_id},/files/{file_id}/content,/batches,/batches/{batch_id},"
            + "/batches/{batch_id}/cancel,/chat/completions",
        "",
        "");

    final String source;
    final String prepared;
    final String paths;
    final String prefix;
    final String embeddingsPath;

    Spec(String source, String prepared, String paths, String prefix, String embeddingsPath) {
      this.source = source;
      this.prepared = prepared;
      this.paths = paths;
      this.prefix = prefix;
      this.embeddingsPath = embeddingsPath;
    }
  }

  /**
   * The embeddings example with one vector of 1,536 dimensions (text-embedding-3-small's size),
   * chosen with {@code Prefer: example=...}; it is the default answer too.
   */
  static final String ONE_VECTOR_1536 = "one-vector-1536";

  /** The embeddings example with three vectors of 256 dimensions. */
  static final String THREE_VECTORS_256 = "three-vectors-256";

  private final Process process;
  private final Path log;
  private final int port;

  private PrismMock(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Installs Prism if needed, prepares the spec and starts the mock; waits until it listens. */
  static PrismMock start(Spec spec) {
    try {
      Path install = install();
      Path workDir = Files.createDirectories(Path.of("target", "prism").toAbsolutePath());
      Path prepared = prepare(spec, install, workDir);
      int port = freePort();
      Path log = workDir.resolve(spec.name().toLowerCase() + "-" + port + ".log");
      Process process =
          new ProcessBuilder(
                  install.resolve("node_modules/.bin/prism").toString(),
                  "mock",
                  "-h",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(port),
                  prepared.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      PrismMock mock = new PrismMock(process, log, port);
      mock.awaitListening();
      return mock;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URI: {@code http://127.0.0.1:port}. */
  URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Everything Prism logged so far: its validation reasons for a rejected request. */
  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no Prism log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Prism exited during start-up:\n" + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        pause(250);
      }
    }
    close();
    throw new IllegalStateException(
        "Prism did not listen within " + STARTUP_TIMEOUT.toSeconds() + " s:\n" + log());
  }

  private static Path install() throws IOException {
    requireNode();
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "llmclient", "prism-5.16.1");
    if (Files.isExecutable(dir.resolve("node_modules/.bin/prism"))) {
      return dir;
    }
    Files.createDirectories(dir);
    run(
        dir,
        INSTALL_TIMEOUT,
        "npm",
        "install",
        "--no-audit",
        "--no-fund",
        "--no-save",
        "--prefix",
        dir.toString(),
        PRISM_PACKAGE);
    return dir;
  }

  private static Path prepare(Spec spec, Path install, Path workDir) throws IOException {
    Path specs = repoRoot().resolve("specs");
    Path out = workDir.resolve(spec.prepared);
    if (Files.exists(out)) {
      return out;
    }
    // Prepared and patched under a temporary name, then moved: a run that stops half-way never
    // leaves an unpatched file under the name later runs reuse.
    Path work = workDir.resolve(spec.prepared + ".tmp.json");
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(specs.resolve("tools/prism-prep.js").toString());
    command.add(specs.resolve(spec.source).toString());
    command.add(work.toString());
    if (spec == Spec.AZURE) {
      command.add("--strip-x-ms-examples");
    }
    if (!spec.prefix.isEmpty()) {
      command.add("--path-prefix");
      command.add(spec.prefix);
    }
    command.add("--only-paths");
    command.add(spec.paths);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().put("NODE_PATH", install.resolve("node_modules").toString());
    run(pb, Duration.ofMinutes(2));
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode root = json.readTree(work.toFile());
    if (spec == Spec.AZURE) {
      patchAzureJsonSchemaRequired(root, work);
    }
    if (!spec.embeddingsPath.isEmpty()) {
      addEmbeddingExamples(root, spec);
    }
    json.writeValue(work.toFile(), root);
    Files.move(work, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return out;
  }

  /**
   * Fixes a defect of the Azure 2024-10-21 spec: {@code ResponseFormatJsonSchema.json_schema} lists
   * {@code type} as required although {@code type} belongs to the enclosing object (a copy-paste
   * slip; the service and the OpenAI spec require only {@code name}). Without the fix Prism rejects
   * every json_schema request. Fails if the spec no longer has the defect, so the patch can go.
   */
  private static void patchAzureJsonSchemaRequired(
      com.fasterxml.jackson.databind.JsonNode root, Path prepared) throws IOException {
    com.fasterxml.jackson.databind.JsonNode required =
        root.at("/components/schemas/ResponseFormatJsonSchema/properties/json_schema/required");
    if (!required.toString().equals("[\"type\",\"name\"]")) {
      Files.delete(prepared);
      throw new IllegalStateException(
          "The Azure spec's json_schema.required is now "
              + required
              + ": remove PrismMock.patchAzureJsonSchemaRequired, the defect it fixes is gone");
    }
    ((com.fasterxml.jackson.databind.node.ArrayNode) required).remove(0);
  }

  /**
   * Gives the embeddings answer two named examples in the spec's own shape ({@code object: list},
   * {@code data} of {@code {object: embedding, index, embedding: [numbers]}}, {@code model}, {@code
   * usage}): {@value #ONE_VECTOR_1536} and {@value #THREE_VECTORS_256}. Without them Prism answers
   * with a placeholder (one vector of one number) that no real request matches, so the decoded
   * vectors could not be checked. A request picks one with {@code Prefer: example=<name>}.
   */
  private static void addEmbeddingExamples(
      com.fasterxml.jackson.databind.JsonNode root, Spec spec) {
    com.fasterxml.jackson.databind.JsonNode media =
        root.path("paths")
            .path(spec.embeddingsPath)
            .path("post")
            .path("responses")
            .path("200")
            .path("content")
            .path("application/json");
    if (!media.isObject() || !media.has("schema")) {
      throw new IllegalStateException(
          "The prepared "
              + spec.source
              + " has no JSON 200 answer for "
              + spec.embeddingsPath
              + "; update PrismMock.Spec.embeddingsPath");
    }
    com.fasterxml.jackson.databind.node.ObjectNode examples =
        ((com.fasterxml.jackson.databind.node.ObjectNode) media).putObject("examples");
    examples.putObject(ONE_VECTOR_1536).set("value", embeddingsExample(1, 1536));
    examples.putObject(THREE_VECTORS_256).set("value", embeddingsExample(3, 256));
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode embeddingsExample(
      int vectors, int dimensions) {
    com.fasterxml.jackson.databind.node.ObjectNode body =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    body.put("object", "list");
    com.fasterxml.jackson.databind.node.ArrayNode data = body.putArray("data");
    for (int v = 0; v < vectors; v++) {
      com.fasterxml.jackson.databind.node.ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", v);
      com.fasterxml.jackson.databind.node.ArrayNode embedding = item.putArray("embedding");
      for (int d = 0; d < dimensions; d++) {
        // small, distinct, exactly representable as float32
        embedding.add(((v * 7 + d) % 64 - 32) / 64.0);
      }
    }
    body.put("model", dimensions == 1536 ? "text-embedding-3-small" : "text-embedding-3-large");
    body.putObject("usage").put("prompt_tokens", 3 * vectors).put("total_tokens", 3 * vectors);
    return body;
  }

  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("specs/tools"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "cannot find the repository's specs/ folder above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private static void requireNode() {
    try {
      run(Path.of("."), Duration.ofSeconds(30), "node", "--version");
      run(Path.of("."), Duration.ofSeconds(60), "npm", "--version");
    } catch (RuntimeException | IOException e) {
      throw new IllegalStateException(
          "The conformance tests run the Prism mock server, which needs Node.js 18+ and npm."
              + " Install them (Debian: apt-get install nodejs npm) and run the tests again. ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static void run(Path dir, Duration timeout, String... command) throws IOException {
    run(new ProcessBuilder(command).directory(dir.toFile()), timeout);
  }

  private static void run(ProcessBuilder pb, Duration timeout) throws IOException {
    Path output = Files.createTempFile("prism-cmd", ".log");
    try {
      Process p = pb.redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", pb.command()) + " did not finish within " + timeout);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", pb.command())
                + " failed with exit code "
                + p.exitValue()
                + ":\n"
                + Files.readString(output));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + pb.command(), e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Prism", e);
    }
  }
}
