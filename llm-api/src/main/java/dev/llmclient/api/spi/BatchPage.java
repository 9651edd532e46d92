package dev.llmclient.api.spi;

import java.util.List;

/**
 * One page of {@link BatchBackend#list(String, int)}, newest first.
 *
 * @param batches the batches on this page
 * @param hasMore whether another page follows; ask for it with the last batch's id
 */
public record BatchPage(List<BatchJob> batches, boolean hasMore) {

  /**
   * Copies the list.
   *
   * @param batches the batches on this page
   * @param hasMore whether another page follows
   */
  public BatchPage {
    batches = List.copyOf(batches);
  }
}
