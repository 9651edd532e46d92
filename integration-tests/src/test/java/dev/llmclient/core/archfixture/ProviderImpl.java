package dev.llmclient.core.archfixture;

/** A deliberate violation: an Impl suffix. Used only by the meta tests. */
public final class ProviderImpl {}
