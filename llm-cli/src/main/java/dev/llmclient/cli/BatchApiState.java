package dev.llmclient.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmclient.core.batch.BatchPart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The state of an {@code llm batch --mode batch-api} run, kept next to the output ({@code
 * OUT.batch-state.json}) so that a crash or Ctrl-C leaves the server-side batches running and
 * {@code --resume}, {@code --status} and {@code --cancel} find them: the input and schema
 * fingerprints, the provider, and every part (its input file, which holds the records' custom ids,
 * its uploaded file id and its batch id). Written atomically (temporary file, then move).
 */
final class BatchApiState {

  final String inputSha256;
  final String schemaSha256;
  final boolean simulated;
  final List<BatchPart> parts;

  BatchApiState(String inputSha256, String schemaSha256, boolean simulated, List<BatchPart> parts) {
    this.inputSha256 = inputSha256;
    this.schemaSha256 = schemaSha256;
    this.simulated = simulated;
    this.parts = new ArrayList<>(parts);
  }

  static Path fileFor(Path out) {
    return out.resolveSibling(out.getFileName() + ".batch-state.json");
  }

  static Path workDirectoryFor(Path out) {
    return out.resolveSibling(out.getFileName() + ".batch");
  }

  static @Nullable BatchApiState read(Path out) {
    Path file = fileFor(out);
    if (!Files.exists(file)) {
      return null;
    }
    try {
      JsonNode node = Json.mapper().readTree(Files.readAllBytes(file));
      List<BatchPart> parts = new ArrayList<>();
      for (JsonNode p : node.path("parts")) {
        parts.add(
            new BatchPart(
                p.path("index").asInt(),
                Path.of(p.path("inputFile").asText()),
                p.path("requests").asLong(),
                p.path("bytes").asLong(),
                p.hasNonNull("inputFileId") ? p.get("inputFileId").asText() : null,
                p.hasNonNull("batchId") ? p.get("batchId").asText() : null));
      }
      return new BatchApiState(
          node.path("inputSha256").asText(),
          node.path("schemaSha256").asText(),
          node.path("simulated").asBoolean(),
          parts);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "The batch state file "
              + file
              + " cannot be read ("
              + e.getMessage()
              + "); delete it to start over (its batches keep running on the service).",
          e);
    }
  }

  synchronized void update(BatchPart part) {
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i).index() == part.index()) {
        parts.set(i, part);
        return;
      }
    }
    parts.add(part);
  }

  synchronized void write(Path out) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("inputSha256", inputSha256);
    node.put("schemaSha256", schemaSha256);
    node.put("simulated", simulated);
    ArrayNode array = node.putArray("parts");
    for (BatchPart p : parts) {
      ObjectNode o = array.addObject();
      o.put("index", p.index());
      o.put("inputFile", p.inputFile().toAbsolutePath().toString());
      o.put("requests", p.requests());
      o.put("bytes", p.bytes());
      o.put("inputFileId", p.inputFileId());
      o.put("batchId", p.batchId());
    }
    Path file = fileFor(out);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, Json.write(node).getBytes(StandardCharsets.UTF_8));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the batch state file " + file, e);
    }
  }

  static void delete(Path out) {
    try {
      Path work = workDirectoryFor(out);
      if (Files.isDirectory(work)) {
        try (var files = Files.list(work)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
        Files.deleteIfExists(work);
      }
      Files.deleteIfExists(fileFor(out));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the batch state of " + out, e);
    }
  }
}
