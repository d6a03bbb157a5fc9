package dev.scheduler.monitor.metrics;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How monitor-service counts, under {@code scheduler.monitor.metrics}.
 *
 * @param jobLabelLimit the jobs that get series of their own in Prometheus (the first seen); the
 *     others count in their app's series only, so that the label set stays bounded
 * @param rollupGrace how long after a minute ends its rollup waits for late events before it is
 *     written; later events are added to the stored row
 * @param flushInterval how often closed minutes are written
 * @param dedupeWindow how many recent (execution, attempt, event type) keys are remembered to drop
 *     redelivered events
 */
@Validated
@ConfigurationProperties("scheduler.monitor.metrics")
public record MetricsProperties(
    @DefaultValue("500") @Min(0) int jobLabelLimit,
    @DefaultValue("30s") @NotNull Duration rollupGrace,
    @DefaultValue("10s") @NotNull Duration flushInterval,
    @DefaultValue("200000") @Min(1000) int dedupeWindow) {}
