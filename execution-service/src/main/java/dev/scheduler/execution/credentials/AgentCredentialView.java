package dev.scheduler.execution.credentials;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An issued agent credential as the API shows it: never the credential, which only its issue
 * returns, once.
 *
 * @param id its id
 * @param app the app whose agents it authenticates
 * @param label what it is for, as the issuer said
 * @param createdAt when it was issued
 * @param createdBy who issued it
 * @param revokedAt when it was revoked; null while it is valid
 * @param revokedBy who revoked it
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AgentCredentialView(
    long id,
    String app,
    String label,
    Instant createdAt,
    String createdBy,
    Instant revokedAt,
    String revokedBy) {}
