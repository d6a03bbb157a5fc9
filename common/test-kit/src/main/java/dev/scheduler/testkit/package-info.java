/**
 * Real servers for integration tests. MySQL/MariaDB and Redis come from Testcontainers when a
 * Docker engine is reachable and from the servers on 127.0.0.1 otherwise (see {@link
 * dev.scheduler.testkit.ServerSettings} for the environment variables); the RocketMQ name server
 * and broker run in-process, once per test JVM. Spring tests annotated {@link
 * dev.scheduler.testkit.RealServers} get them wired into their properties. When no server can be
 * had, tests fail with a message that says what to start; they are never skipped.
 */
package dev.scheduler.testkit;
