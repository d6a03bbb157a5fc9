package dev.scheduler.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Why one field of a request was refused. The rejected value is not echoed: it may be a secret.
 *
 * @param field the field's path in the request body, e.g. {@code retryPolicy.maxAttempts}, or the
 *     name of the query parameter
 * @param reason what is wrong and what would be accepted
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FieldViolation(String field, String reason) {}
