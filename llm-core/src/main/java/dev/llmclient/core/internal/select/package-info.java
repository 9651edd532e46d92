/**
 * Internal to llm-core, no API: public only so that the public face in {@code dev.llmclient.core}
 * and the other internal packages can reach it. It may change in any release; ArchUnit keeps other
 * modules from using it and the public face from showing it (docs/ARCHITECTURE.md).
 */
@NullMarked
package dev.llmclient.core.internal.select;

import org.jspecify.annotations.NullMarked;
