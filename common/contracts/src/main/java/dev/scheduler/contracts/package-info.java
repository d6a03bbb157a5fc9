/**
 * The contracts that cross process boundaries: messages on the broker, their topics and consumer
 * groups, the deterministic ids every consumer is idempotent on, JSON serialization and the error
 * model of the REST APIs. Nothing here depends on Spring.
 */
package dev.scheduler.contracts;
