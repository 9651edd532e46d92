/**
 * llmclient side by side with the raw httpclient5 + Jackson floor and with the SDKs users would
 * pick instead (openai-java, LangChain4j), all sending the same structured-extraction request to
 * one canned local server (issue 11). See {@code benchmarks/RESULTS-issue11.md} for numbers.
 */
@NullMarked
package dev.llmclient.benchmarks.peers;

import org.jspecify.annotations.NullMarked;
