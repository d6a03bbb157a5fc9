package dev.scheduler.monitor.retention;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long monitor-service keeps what it writes, under {@code scheduler.monitor.retention}.
 *
 * @param metrics per-minute rollups older than this are deleted
 * @param resolvedAlerts resolved alerts (with their steps) resolved longer ago than this are
 *     deleted; open ones are kept however old
 * @param interval how often each replica deletes what is older
 * @param batch rows deleted per statement, so that no delete holds locks for long
 */
@Validated
@ConfigurationProperties("scheduler.monitor.retention")
public record RetentionProperties(
    @DefaultValue("30d") @NotNull Duration metrics,
    @DefaultValue("90d") @NotNull Duration resolvedAlerts,
    @DefaultValue("10m") @NotNull Duration interval,
    @DefaultValue("1000") @Min(1) int batch) {}
