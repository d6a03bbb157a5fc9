package dev.scheduler.job.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One change of a job.
 *
 * @param id position in the audit log
 * @param action CREATED, UPDATED, PAUSED, RESUMED, DELETED or TRIGGERED
 * @param actor who did it, as the gateway identified them
 * @param requestId the request that did it
 * @param at when, UTC
 * @param changes the fields that changed, e.g. {@code schedule.cron}
 * @param before the job before the change, null for a creation
 * @param after the job after the change
 * @param jobVersion the job's version after the change
 */
public record AuditEntry(
    long id,
    String action,
    String actor,
    String requestId,
    Instant at,
    List<String> changes,
    JsonNode before,
    JsonNode after,
    Long jobVersion) {}
