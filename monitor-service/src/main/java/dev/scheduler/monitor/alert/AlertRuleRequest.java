package dev.scheduler.monitor.alert;

import java.time.Duration;
import java.util.List;

/** An alert rule as a client sends it; {@link AlertRuleValidator} checks every field. */
public record AlertRuleRequest(
    String name,
    String description,
    String type,
    String severity,
    String scope,
    String scopeValue,
    Double threshold,
    Duration window,
    Integer minRuns,
    Integer consecutiveFailures,
    Duration fireDelayBound,
    Duration silence,
    List<Long> channelIds,
    Boolean notifyOwner,
    Boolean autoPause,
    Integer autoPauseAfter,
    Boolean enabled,
    Long version) {}
