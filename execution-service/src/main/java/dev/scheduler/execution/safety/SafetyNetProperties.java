package dev.scheduler.execution.safety;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the safety nets, under {@code scheduler.execution.safety}.
 *
 * @param timeoutGrace how long past its timeout a RUNNING execution with no report is left before
 *     execution-service marks it TIMED_OUT (the agent normally reports first)
 * @param timeoutScanInterval how often one replica looks for such executions
 * @param retention how long executions and their logs are kept
 * @param retentionScanInterval how often one replica deletes what is older
 * @param retentionBatch executions deleted per statement, so no delete holds locks for long
 * @param dispatchTimeout how long a WAITING execution may wait for an agent before it is reported
 *     MISSED
 * @param dispatchScanInterval how often one replica looks for such executions
 */
@Validated
@ConfigurationProperties("scheduler.execution.safety")
public record SafetyNetProperties(
    @DefaultValue("30s") Duration timeoutGrace,
    @DefaultValue("5s") Duration timeoutScanInterval,
    @DefaultValue("30d") Duration retention,
    @DefaultValue("10m") Duration retentionScanInterval,
    @DefaultValue("500") int retentionBatch,
    @DefaultValue("5m") Duration dispatchTimeout,
    @DefaultValue("10s") Duration dispatchScanInterval) {}
