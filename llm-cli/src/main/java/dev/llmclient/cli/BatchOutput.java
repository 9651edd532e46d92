package dev.llmclient.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The files of one {@code llm batch} run before the first call: the input is not the output, and
 * the output is refused, emptied ({@code --overwrite}) or, with {@code --resume}, checked against
 * the input, the schema and the kind of run it was written for and rewritten without the lines
 * whose records are done again.
 */
final class BatchOutput {

  private BatchOutput() {}

  /**
   * Where the lines of an output came from: the fingerprints of the input and the schema, and
   * whether the embedded simulator answered.
   */
  record Provenance(String inputSha256, String schemaSha256, boolean simulated) {

    /** Adds the fields every output line carries. */
    void addTo(Map<String, Object> line) {
      line.put(ResultFile.FIELD_INPUT_SHA256, inputSha256);
      line.put(ResultFile.FIELD_SCHEMA_SHA256, schemaSha256);
      if (simulated) {
        line.put(ResultFile.FIELD_SIMULATED, true);
      }
    }
  }

  /** Refuses an input that is missing, or that is also the output or the schema. */
  static void checkFiles(BatchCommand options) {
    if (!Files.exists(options.in)) {
      throw new UncheckedIOException(
          new NoSuchFileException(
              "input file " + options.in + " does not exist; check the --in path"));
    }
    if (sameFile(options.in, options.out)) {
      throw new IllegalArgumentException(
          "--in and --out name the same file ("
              + options.in
              + " and "
              + options.out
              + "); the output would overwrite the input. Choose another --out file.");
    }
    if (options.schema != null && sameFile(options.schema, options.out)) {
      throw new IllegalArgumentException(
          "--schema and --out name the same file ("
              + options.schema
              + "); choose another --out file.");
    }
  }

  /** Whether two paths name one existing file (through links and different spellings too). */
  static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Empties or checks the output file, or, with {@code --resume}, reads it, checks that it was
   * written for this input, schema and kind of run, and rewrites it without the lines whose records
   * are done again.
   *
   * @return the lines kept; their keys are skipped
   */
  static ResumePlan prepare(BatchCommand options, Provenance provenance, PrintWriter err) {
    Path out = options.out;
    ResumePlan nothing = ResumePlan.NOTHING;
    if (!options.resume) {
      try {
        if (Files.exists(out) && Files.size(out) > 0) {
          if (!options.overwrite) {
            throw new IllegalArgumentException(
                out
                    + " already holds results; pass --resume to continue that run, --overwrite to"
                    + " start over, or choose another --out file");
          }
          ResultFile.requireResultFile(out);
          Files.newOutputStream(out, StandardOpenOption.TRUNCATE_EXISTING).close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare " + out + ": " + e.getMessage(), e);
      }
      return nothing;
    }
    // Everything is checked before the file is changed in any way.
    ResultFile.Existing existing = ResultFile.inspect(out);
    requireSameInputAndSchema(options, existing, provenance);
    ResumePlan plan = existing.plan(options.keepFailures, provenance.inputSha256());
    try {
      requireSameKindOfRun(options, plan, provenance);
      ResultFile.repair(out, existing);
    } catch (RuntimeException e) {
      plan.close();
      throw e;
    }
    if (existing.droppedBytes() > 0) {
      err.println(
          "llm: removed an incomplete last line ("
              + existing.droppedBytes()
              + " bytes) left by an interrupted run; its record is done again");
    }
    ResultFile.rewrite(out, plan.dropped());
    StringBuilder note =
        new StringBuilder("llm: resuming: ")
            .append(plan.doneCount())
            .append(" records already in ")
            .append(out)
            .append(" are skipped");
    if (plan.keptErrors() > 0) {
      note.append(" (")
          .append(plan.keptErrors())
          .append(" of them error lines, kept by --keep-failures)");
    }
    if (plan.droppedErrors() > 0) {
      note.append("; ")
          .append(plan.droppedErrors())
          .append(" error lines were removed and their records are done again");
    }
    if (plan.droppedDuplicates() > 0) {
      note.append("; ")
          .append(plan.droppedDuplicates())
          .append(" extra lines of records that already had one were removed");
    }
    err.println(note);
    err.flush();
    return plan;
  }

  private static void requireSameInputAndSchema(
      BatchCommand options, ResultFile.Existing existing, Provenance now) {
    if (options.allowChanged) {
      return;
    }
    String changed = null;
    for (ResultFile.Fingerprint e : existing.fingerprints()) {
      if (!now.inputSha256().equals(e.inputSha256())) {
        changed = fingerprintMessage("the input", options.in, e.inputSha256(), now.inputSha256());
        break;
      }
      if (!now.schemaSha256().equals(e.schemaSha256())) {
        changed =
            fingerprintMessage(
                "the schema",
                options.schema != null ? options.schema : Path.of(String.valueOf(options.type)),
                e.schemaSha256(),
                now.schemaSha256());
        break;
      }
    }
    if (changed != null) {
      throw new IllegalArgumentException(
          "cannot resume "
              + options.out
              + ": "
              + changed
              + ". Its lines may answer other records or another question. Use --overwrite to"
              + " start over, or --allow-changed to keep them and do only the records without a"
              + " result.");
    }
  }

  private static String fingerprintMessage(
      String what, Path file, @Nullable String was, String now) {
    if (was == null) {
      return "it holds lines without the fingerprint of "
          + what
          + " (written by an older llm), so it cannot be checked against "
          + file;
    }
    return what
        + " changed since it was written (SHA-256 "
        + was.substring(0, Math.min(12, was.length()))
        + "..., now "
        + now.substring(0, 12)
        + "... for "
        + file
        + ")";
  }

  private static void requireSameKindOfRun(BatchCommand options, ResumePlan plan, Provenance now) {
    if (options.allowSimulatedMix) {
      return;
    }
    if (now.simulated() ? plan.keptReal() : plan.keptSimulated()) {
      if (!now.simulated()) {
        throw new IllegalArgumentException(
            "cannot resume "
                + options.out
                + ": it holds answers of the embedded simulator (\"simulated\": true), and this"
                + " run calls a real service. Use --overwrite to start over against the real"
                + " service, or --allow-simulated-mix to keep the simulated lines.");
      }
      throw new IllegalArgumentException(
          "cannot resume "
              + options.out
              + ": it holds answers of a real service, and this run would use the embedded"
              + " simulator because no provider setting is set. Set the provider settings again"
              + " (`llm providers` shows them), or pass --allow-simulated-mix to add simulated"
              + " lines.");
    }
  }
}
