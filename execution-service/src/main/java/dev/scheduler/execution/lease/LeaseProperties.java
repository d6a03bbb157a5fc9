package dev.scheduler.execution.lease;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of execution leases, under {@code scheduler.execution.lease}. With agents renewing every
 * 2 s (their heartbeat), a holder that dies, pauses or is cut off is failed over {@code ttl} plus
 * one scan after its last renewal: 8.5 s with these defaults.
 *
 * @param ttl how long a lease lasts from its grant or last renewal; agents learn it from every
 *     answer and stop a handler whose lease they could not renew within it (less a margin)
 * @param scanInterval how often one replica looks for leases that ran out
 */
@Validated
@ConfigurationProperties("scheduler.execution.lease")
public record LeaseProperties(
    @NotNull @DefaultValue("8s") Duration ttl,
    @NotNull @DefaultValue("500ms") Duration scanInterval) {}
