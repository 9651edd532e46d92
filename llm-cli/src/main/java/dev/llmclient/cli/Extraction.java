package dev.llmclient.cli;

import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/** What the model is asked for: an explicit JSON schema file or a built-in example type. */
final class Extraction {

  /** The instructions sent with every record unless {@code --system} replaces them. */
  static final String DEFAULT_INSTRUCTIONS =
      "Extract the structured data the JSON schema describes from the user's text. Use only"
          + " facts the text states; leave lists empty and values null when the text has none."
          + " Answer with JSON that matches the schema.";

  /** The built-in example answer types, for trying the command without a schema file. */
  enum ExampleType {
    /** People, companies and places with the relations between them (the example schema). */
    ENTITIES(Entities.class),
    /** A one-sentence summary with keywords. */
    SUMMARY(Summary.class);

    final Class<?> type;

    ExampleType(Class<?> type) {
      this.type = type;
    }
  }

  /** The kinds of entity {@link Entities} knows. */
  enum EntityType {
    PERSON,
    COMPANY,
    PLACE
  }

  /** One named entity. */
  record Entity(String name, EntityType type) {}

  /** A fact linking two entities. */
  record Relation(String source, String relation, String target, @Nullable Integer since) {}

  /** Entities and relations of one text. */
  record Entities(List<Entity> entities, List<Relation> relations) {}

  /** A short summary of one text. */
  record Summary(String summary, List<String> keywords) {}

  private final @Nullable Path schemaFile;
  private final @Nullable String schemaName;
  private final @Nullable String schemaJson;
  private final @Nullable Class<?> type;

  private Extraction(
      @Nullable Path schemaFile,
      @Nullable String schemaName,
      @Nullable String schemaJson,
      @Nullable Class<?> type) {
    this.schemaFile = schemaFile;
    this.schemaName = schemaName;
    this.schemaJson = schemaJson;
    this.type = type;
  }

  /**
   * The schema file when given, else the example type (default {@code entities}).
   *
   * @throws IllegalArgumentException when both are given or the file is not a JSON object
   * @throws UncheckedIOException when the file cannot be read
   */
  static Extraction of(@Nullable Path schemaFile, @Nullable ExampleType example) {
    if (schemaFile != null && example != null) {
      throw new IllegalArgumentException("give either --schema or --type, not both");
    }
    if (schemaFile == null) {
      return new Extraction(
          null, null, null, (example == null ? ExampleType.ENTITIES : example).type);
    }
    String text;
    try {
      text = Files.readString(schemaFile);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(
          new IOException(
              "schema file " + schemaFile + " does not exist; check the --schema path", e));
    } catch (IOException e) {
      throw new UncheckedIOException(
          new IOException("cannot read schema file " + schemaFile + ": " + e.getMessage(), e));
    }
    try {
      if (!Json.mapper().readTree(text).isObject()) {
        throw new IllegalArgumentException(
            "schema file " + schemaFile + " must hold one JSON object (a JSON schema)");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "schema file " + schemaFile + " is not valid JSON: " + e.getOriginalMessage());
    }
    return new Extraction(schemaFile, schemaNameOf(schemaFile), text, null);
  }

  /** A name OpenAI accepts (1-64 of {@code [A-Za-z0-9_-]}) from the schema file's name. */
  static String schemaNameOf(Path file) {
    Path fileName = file.getFileName();
    String name = fileName == null ? "" : fileName.toString();
    int dot = name.indexOf('.');
    if (dot > 0) {
      name = name.substring(0, dot);
    }
    name = name.replaceAll("[^A-Za-z0-9_-]", "_");
    if (name.isEmpty()) {
      name = "answer";
    }
    return name.length() > 64 ? name.substring(0, 64) : name;
  }

  /**
   * The fingerprint of the answer shape: the SHA-256 of the schema file's bytes, or of the built-in
   * type's name.
   */
  String sha256() {
    if (schemaJson != null) {
      return InputFile.sha256Of(schemaJson);
    }
    return InputFile.sha256Of("llm-type:" + (type == null ? "" : type.getName()));
  }

  /**
   * Checks a request the way the core checks every call before sending it (strict structured output
   * rules, {@code $ref} targets, {@code pattern} regular expressions, option ranges), on a client
   * whose backend sends nothing.
   *
   * @param request the request every record's call is built like
   * @param what what the user gave, for the message, e.g. {@code "--schema schema.json"}
   * @throws IllegalArgumentException saying what the core found wrong
   */
  static void checkWithCore(LlmRequest<Object> request, String what) {
    DryRunBackend dryRun = new DryRunBackend();
    try (LlmClient client =
        LlmClients.builder()
            .backend(dryRun)
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .retryPolicy(RetryPolicy.none())
            .build()) {
      CompletableFuture<LlmResponse<Object>> call = client.generateAsync(request);
      try {
        CompletableFuture.anyOf(call, dryRun.reached).join();
      } catch (CompletionException | CancellationException e) {
        if (dryRun.reached.isDone()) {
          return;
        }
        Throwable cause = BatchJob.unwrap(e);
        if (cause instanceof IllegalArgumentException) {
          throw new IllegalArgumentException(
              what + " cannot be used: " + cause.getMessage(), cause);
        }
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        throw e;
      }
    }
  }

  /** A backend that records that the core got as far as sending, and sends nothing. */
  private static final class DryRunBackend implements ChatBackend {
    final CompletableFuture<Void> reached = new CompletableFuture<>();

    @Override
    public BackendInfo info() {
      return new BackendInfo("llm-dry-run", "llm-dry-run", null, "dry-run-model", null);
    }

    @Override
    public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
      reached.complete(null);
      return CompletableFuture.failedFuture(
          new InvalidRequestException("dry run: the request was checked and not sent"));
    }

    @Override
    public void close() {}
  }

  /** What the user chose, for messages: {@code --schema FILE} or {@code --type TYPE}. */
  String description() {
    return schemaFile != null
        ? "--schema " + schemaFile
        : "--type " + (type == null ? "" : type.getSimpleName());
  }

  /**
   * Sets the answer shape on a request. The CLI reads every answer as JSON ({@code json()}), never
   * through its typed value, so the request's answer type is {@code Object} here.
   */
  @SuppressWarnings("unchecked")
  LlmRequest.Builder<Object> apply(LlmRequest.Builder<?> request) {
    if (schemaJson != null && schemaName != null) {
      return (LlmRequest.Builder<Object>)
          (LlmRequest.Builder<?>) request.jsonSchema(schemaName, schemaJson);
    }
    return (LlmRequest.Builder<Object>) request.responseType(type);
  }
}
