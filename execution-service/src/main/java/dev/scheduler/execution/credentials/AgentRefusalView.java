package dev.scheduler.execution.credentials;

import java.time.Instant;

/**
 * Agent requests refused within one minute, for one app, action and reason.
 *
 * @param minute the minute they fell in (UTC)
 * @param app the app they acted for ({@code ?} when unauthenticated and unnamed)
 * @param action what they tried: heartbeat, leave, claim, renew, report (an execution event)
 * @param reason UNAUTHENTICATED, OTHER_APP or OTHER_APPS_NODE
 * @param refusals how many
 * @param lastDetail what the last one was told
 */
public record AgentRefusalView(
    Instant minute, String app, String action, String reason, long refusals, String lastDetail) {}
