/**
 * Redis for several replicas: {@link dev.llmclient.redis.RedisBudgetStore}, a rate budget per
 * deployment shared by every replica's {@code DeploymentPool}, and {@link
 * dev.llmclient.redis.RedisResponseCache}, a response cache they share. Both wait for Redis at most
 * a few milliseconds and fall back (a local budget, a cache miss) when it is slow or down, so Redis
 * never fails or holds a call.
 */
@NullMarked
package dev.llmclient.redis;

import org.jspecify.annotations.NullMarked;
