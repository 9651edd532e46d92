/**
 * The SDK against real servers in local containers: nginx as a TLS and HTTP/2 reverse proxy, squid
 * as an authenticating corporate proxy and the Prism mock on the official OpenAI spec, each in
 * front of or instead of the in-JVM simulator.
 *
 * <p>Images are built {@code FROM scratch} by {@code scripts/build-images.sh}; containers use host
 * networking and bind 127.0.0.1 only. Without a Docker engine the tests fail and say how to start
 * one ({@code sudo scripts/docker-engine.sh start}).
 */
@NullMarked
package dev.llmclient.containers;

import org.jspecify.annotations.NullMarked;
