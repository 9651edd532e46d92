package dev.llmclient.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The lock file next to a batch's output ({@code results.jsonl.lock}): while one run holds it, a
 * second run on the same output stops with a message instead of writing into the same file.
 *
 * <p>The lock file holds the process id and start time of the run that created it. A lock whose
 * process is no longer running (the run was killed) is stale: the next run removes it, says so and
 * takes the lock. The lock is removed when the run ends.
 */
final class OutputLock implements AutoCloseable {

  /** The suffix of the lock file's name. */
  static final String SUFFIX = ".lock";

  private final Path file;
  private final String content;

  private OutputLock(Path file, String content) {
    this.file = file;
    this.content = content;
  }

  /** The lock file of an output file: next to it (symbolic links resolved), named {@code .lock}. */
  static Path lockFileOf(Path out) {
    Path absolute = out.toAbsolutePath().normalize();
    try {
      if (Files.exists(absolute)) {
        absolute = absolute.toRealPath();
      } else if (absolute.getParent() != null && Files.isDirectory(absolute.getParent())) {
        absolute =
            absolute.getParent().toRealPath().resolve(String.valueOf(absolute.getFileName()));
      }
    } catch (IOException e) {
      // keep the absolute path: the lock is then only as good as the spelling of --out
    }
    return absolute.resolveSibling(absolute.getFileName() + SUFFIX);
  }

  /**
   * Takes the lock of an output file.
   *
   * @param out the output file (its directory is created when missing)
   * @param err where a removed stale lock is reported
   * @throws IllegalArgumentException when another run that is still alive holds the lock, naming
   *     the lock file, its process and what to do
   */
  static OutputLock acquire(Path out, PrintWriter err) {
    Path file = lockFileOf(out);
    ProcessHandle self = ProcessHandle.current();
    String content =
        "pid="
            + self.pid()
            + "\nstarted="
            + self.info().startInstant().map(Instant::toString).orElse("")
            + "\n";
    try {
      Path parent = file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
          return new OutputLock(file, content);
        } catch (FileAlreadyExistsException held) {
          String existing = read(file);
          if (existing == null) {
            continue; // removed in between: try again
          }
          Holder holder = Holder.parse(existing);
          if (holder == null || holder.alive()) {
            throw new IllegalArgumentException(heldMessage(out, file, holder));
          }
          // Stale: remove it only if it is still the lock just read, then take it.
          if (existing.equals(read(file))) {
            Files.deleteIfExists(file);
            err.println(
                "llm: removed the stale lock file "
                    + file
                    + " of process "
                    + holder.pid()
                    + ", which is no longer running");
            err.flush();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the lock file " + file + ": " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(heldMessage(out, file, null));
  }

  private static String heldMessage(Path out, Path file, @Nullable Holder holder) {
    return out
        + " is being written by another llm batch"
        + (holder == null ? "" : " (process " + holder.pid() + ")")
        + "; lock file "
        + file
        + ". Wait for that run to end, or choose another --out file. If no such run is alive"
        + " (e.g. the machine restarted), delete the lock file.";
  }

  private static @Nullable String read(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The process that wrote a lock file. */
  record Holder(long pid, @Nullable Instant started) {

    /** The holder a lock file names, or null when its content cannot be read. */
    static @Nullable Holder parse(String content) {
      Properties p = new Properties();
      try {
        p.load(new java.io.StringReader(content));
        long pid = Long.parseLong(p.getProperty("pid", "").trim());
        String started = p.getProperty("started", "").trim();
        return new Holder(pid, started.isEmpty() ? null : Instant.parse(started));
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /**
     * Whether that process is still running: a process with this id exists and, when both start
     * times are known, it is the same process and not a later one that reuses the id.
     */
    boolean alive() {
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      if (process.isEmpty() || !process.get().isAlive()) {
        return false;
      }
      Optional<Instant> start = process.get().info().startInstant();
      return started == null || start.isEmpty() || start.get().equals(started);
    }
  }

  /** The lock file. */
  Path file() {
    return file;
  }

  /** Removes the lock file, unless another run has replaced it meanwhile. */
  @Override
  public void close() {
    try {
      if (content.equals(read(file))) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot remove the lock file " + file + ": " + e.getMessage() + "; delete it", e);
    }
  }
}
