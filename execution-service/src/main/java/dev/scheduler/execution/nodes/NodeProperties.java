package dev.scheduler.execution.nodes;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the node registry, under {@code scheduler.execution.nodes}. Agents heartbeat every 2
 * s by default, so with these defaults a node that dies is OFFLINE 4–6 s after its death plus one
 * scan: two heartbeats in a row must be missing, so a node is not judged dead for one lost or late
 * heartbeat. Its executions are failed over by their leases, not by this state.
 *
 * @param suspectAfter silence after which an ONLINE node is SUSPECT
 * @param offlineAfter silence after which a node is OFFLINE (no new broadcast share is meant for
 *     it)
 * @param scanInterval how often one replica looks for silent nodes
 */
@Validated
@ConfigurationProperties("scheduler.execution.nodes")
public record NodeProperties(
    @DefaultValue("4s") Duration suspectAfter,
    @DefaultValue("6s") Duration offlineAfter,
    @DefaultValue("500ms") Duration scanInterval) {}
