package dev.scheduler.testkit;

/**
 * A real Redis server for tests. Tests share it, so each keeps to its own key prefix.
 *
 * @param host its host
 * @param port its port
 */
public record RedisEndpoint(String host, int port) {}
