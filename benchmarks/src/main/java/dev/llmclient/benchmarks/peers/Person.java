package dev.llmclient.benchmarks.peers;

/**
 * The small three-field record every library extracts in the peer benchmarks.
 *
 * @param name the person's name
 * @param occupation what the person did
 * @param birthYear the year the person was born
 */
public record Person(String name, String occupation, int birthYear) {}
