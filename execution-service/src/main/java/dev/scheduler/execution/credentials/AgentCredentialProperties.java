package dev.scheduler.execution.credentials;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the apps' agent credentials, under {@code scheduler.execution.agent-credentials}.
 *
 * @param hashes SHA-256 (hex) of credentials configured rather than issued through the API, for a
 *     deployment that hands each app its credential from a secret store (environment variable
 *     {@code SCHEDULER_AGENT_CREDENTIAL_HASHES}, comma-separated); each names its app
 * @param cacheFor how long a checked credential is taken as valid without asking the database
 *     again: how long a revoked credential may still be accepted
 */
@Validated
@ConfigurationProperties("scheduler.execution.agent-credentials")
public record AgentCredentialProperties(
    @DefaultValue List<String> hashes, @DefaultValue("5s") Duration cacheFor) {}
