package dev.scheduler.monitor.notify;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
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
 * @param allowedRanges address ranges inside the network that webhooks may reach (CIDR, e.g. {@code
 *     10.20.0.0/16}); none by default: loopback, link-local, private and shared addresses are
 *     refused when the connection is made
 * @param maxResponseBytes how much of a webhook's answer is read
 */
@Validated
@ConfigurationProperties("scheduler.monitor.notify")
public record NotifyProperties(
    @DefaultValue("3") @Min(1) int attempts,
    @DefaultValue("2s") @NotNull Duration initialBackoff,
    @DefaultValue("5s") @NotNull Duration timeout,
    @DefaultValue("2") @Min(1) int threads,
    @DefaultValue("1000") @Min(1) int queue,
    @DefaultValue("scheduler@localhost") String mailFrom,
    @DefaultValue List<String> allowedRanges,
    @DefaultValue("1048576") @Min(1) int maxResponseBytes) {}
