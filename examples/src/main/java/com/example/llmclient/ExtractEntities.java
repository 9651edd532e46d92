package com.example.llmclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.core.LlmClients;
import dev.llmclient.testkit.FakeLlmProvider;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Graphiti-style extraction over a file of records: one structured call per record, bounded
 * concurrency, results written in input order, and a summary. Nothing is lost: a record whose call
 * fails is written with its typed error.
 *
 * <p>It runs offline against the test kit's scripted provider, whose "model" here is a small
 * deterministic heuristic. Point it at a real service by removing the {@code provider("fake")} line
 * and setting {@code AZURE_OPENAI_*} or {@code OPENAI_API_KEY}.
 */
public final class ExtractEntities {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SYSTEM =
      "Extract every person, company and place the text names, and the relations between them."
          + " Answer with JSON that matches the schema.";

  private ExtractEntities() {}

  /**
   * Runs the extraction.
   *
   * @param args records.jsonl, schema.json, results.jsonl
   * @throws Exception when a file cannot be read or written
   */
  public static void main(String[] args) throws Exception {
    Path in = Path.of(args[0]);
    String schema = Files.readString(Path.of(args[1]));
    Path out = Path.of(args[2]);

    FakeLlmProvider.script().reset().whenEmpty(ExtractEntities::pretendModel);

    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(in)) {
      if (!line.isBlank()) {
        records.add(JSON.readTree(line));
      }
    }

    long started = System.nanoTime();
    List<CompletableFuture<Map<String, Object>>> results = new ArrayList<>();
    try (LlmClient llm = LlmClients.builder().provider("fake").build()) {
      Semaphore inFlight = new Semaphore(16);
      for (JsonNode record : records) {
        LlmRequest<Map<String, Object>> request =
            LlmRequest.builder()
                .addMessage(Message.system(SYSTEM))
                .addMessage(Message.user(record.get("text").asText()))
                .jsonSchema("extraction", schema)
                .promptName("examples.extract")
                .build();
        inFlight.acquire();
        CompletableFuture<LlmResponse<Map<String, Object>>> call = llm.generateAsync(request);
        results.add(
            call.handle((response, failure) -> outcome(record, response, failure))
                .whenComplete((r, e) -> inFlight.release()));
      }
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();
    }

    int ok = 0;
    int failed = 0;
    long entities = 0;
    long relations = 0;
    long inputTokens = 0;
    long outputTokens = 0;
    try (BufferedWriter writer = Files.newBufferedWriter(out)) {
      for (CompletableFuture<Map<String, Object>> result : results) {
        Map<String, Object> line = result.join();
        writer.write(JSON.writeValueAsString(line));
        writer.newLine();
        if (line.containsKey("error")) {
          failed++;
          continue;
        }
        ok++;
        JsonNode answer = JSON.valueToTree(line.get("result"));
        entities += answer.get("entities").size();
        relations += answer.get("relations").size();
        inputTokens += ((Number) line.get("inputTokens")).longValue();
        outputTokens += ((Number) line.get("outputTokens")).longValue();
      }
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "%d records: %d extracted, %d failed; %d entities, %d relations; tokens in/out %d/%d;"
            + " %d ms%nresults: %s%n",
        records.size(), ok, failed, entities, relations, inputTokens, outputTokens, millis, out);
  }

  private static Map<String, Object> outcome(
      JsonNode record, LlmResponse<Map<String, Object>> response, Throwable failure) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", record.get("id").asText());
    if (failure != null) {
      Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
      line.put("error", cause.getClass().getSimpleName());
      line.put("message", cause.getMessage());
      line.put("retryable", cause instanceof LlmException e && e.isRetryable());
      return line;
    }
    line.put("result", response.value());
    line.put("attempts", response.attempts());
    line.put("inputTokens", response.usage().inputTokens());
    line.put("outputTokens", response.usage().outputTokens());
    return line;
  }

  private static final Pattern NAME =
      Pattern.compile("\\b[A-Z][a-z]+(?:[ -](?:van )?[A-Z][a-z]+)+");
  private static final Pattern YEAR = Pattern.compile("\\b(19|20)\\d{2}\\b");
  private static final List<String> COMPANY_WORDS =
      List.of(
          "Analytics",
          "Systems",
          "Labs",
          "Freight",
          "Bank",
          "Robotics",
          "Insurance",
          "Biotech",
          "Energy",
          "Retail",
          "Aerospace",
          "Media",
          "Health",
          "Cloud",
          "Foods");

  /** The stand-in model: finds capitalised names and links each person to the first company. */
  private static ChatCompletion pretendModel(ChatCompletionRequest request) {
    String text = request.messages().get(request.messages().size() - 1).content();
    List<Map<String, Object>> entities = new ArrayList<>();
    String firstCompany = null;
    List<String> people = new ArrayList<>();
    Matcher m = NAME.matcher(text);
    while (m.find()) {
      String name = m.group();
      boolean company = COMPANY_WORDS.stream().anyMatch(name::endsWith);
      entities.add(Map.of("name", name, "type", company ? "COMPANY" : "PERSON"));
      if (company && firstCompany == null) {
        firstCompany = name;
      } else if (!company) {
        people.add(name);
      }
    }
    Matcher year = YEAR.matcher(text);
    Integer since = year.find() ? Integer.valueOf(year.group()) : null;
    List<Map<String, Object>> relations = new ArrayList<>();
    if (firstCompany != null) {
      for (String person : people) {
        Map<String, Object> relation = new LinkedHashMap<>();
        relation.put("source", person);
        relation.put("relation", "WORKS_AT");
        relation.put("target", firstCompany);
        relation.put("since", since);
        relations.add(relation);
      }
    }
    try {
      String content =
          JSON.writeValueAsString(Map.of("entities", entities, "relations", relations));
      return ChatCompletion.of(content, Usage.of(text.length() / 4 + 60, content.length() / 4));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
