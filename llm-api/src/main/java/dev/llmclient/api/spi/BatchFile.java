package dev.llmclient.api.spi;

import java.util.Objects;

/**
 * A file the service holds: an uploaded batch input, or a batch's output or error file.
 *
 * @param id the file id, for example {@code file-abc123}
 * @param bytes the size in bytes
 * @param filename the name it was uploaded under
 */
public record BatchFile(String id, long bytes, String filename) {

  /**
   * Rejects null names.
   *
   * @param id the file id
   * @param bytes the size in bytes
   * @param filename the name it was uploaded under
   */
  public BatchFile {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(filename, "filename");
  }
}
