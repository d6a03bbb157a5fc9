package dev.scheduler.monitor.notify;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How notifications are sent, under {@code scheduler.monitor.notify}.
 *
 * @param attempts tries per notification and channel
 * @param initialBackoff wait before the second try; doubled before each further one
 * @param timeout per HTTP request
 * @param threads senders working at once
 * @param queue notifications waiting for a sender; beyond, they are dropped and recorded
 * @param mailFrom sender address of e-mails
 */
@Validated
@ConfigurationProperties("scheduler.monitor.notify")
public record NotifyProperties(
    @DefaultValue("3") @Min(1) int attempts,
    @DefaultValue("2s") @NotNull Duration initialBackoff,
    @DefaultValue("5s") @NotNull Duration timeout,
    @DefaultValue("2") @Min(1) int threads,
    @DefaultValue("1000") @Min(1) int queue,
    @DefaultValue("scheduler@localhost") String mailFrom) {}
