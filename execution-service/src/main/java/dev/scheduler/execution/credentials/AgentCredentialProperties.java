package dev.scheduler.execution.credentials;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the apps' agent credentials, under {@code scheduler.execution.agent-credentials}.
 *
 * @param hashes credentials configured rather than issued through the API, for a deployment that
 *     hands each app its credential from a secret store: {@code <app>:<SHA-256 of the credential,
 *     hex>} (environment variable {@code SCHEDULER_AGENT_CREDENTIAL_HASHES}, comma-separated)
 * @param cacheFor how often the issued credentials are read again: how long a credential revoked on
 *     another replica may still be accepted here
 */
@Validated
@ConfigurationProperties("scheduler.execution.agent-credentials")
public record AgentCredentialProperties(
    @DefaultValue List<String> hashes, @DefaultValue("5s") Duration cacheFor) {}
