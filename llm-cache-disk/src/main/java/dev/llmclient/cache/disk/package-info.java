/**
 * A persistent local response cache: {@link dev.llmclient.cache.disk.DiskResponseCache} keeps
 * answers in a SQLite database in a directory, bounded in size, surviving restarts and shared by
 * the processes of one machine; {@link dev.llmclient.cache.disk.DiskStoreProvider} makes it from
 * {@code LLM_CACHE_DIR}.
 */
@NullMarked
package dev.llmclient.cache.disk;

import org.jspecify.annotations.NullMarked;
