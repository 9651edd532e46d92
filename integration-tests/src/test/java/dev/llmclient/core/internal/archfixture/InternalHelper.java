package dev.llmclient.core.internal.archfixture;

/** An internal type that public signatures must not show. Used only by the meta tests. */
public class InternalHelper {}
