package dev.scheduler.execution.nodes;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the node registry, under {@code scheduler.execution.nodes}. Agents heartbeat every 3
 * s by default, so with these defaults a node that dies is OFFLINE, and its running executions
 * failed over, within 10 s of its last heartbeat plus one scan.
 *
 * @param agentToken what agents must send in {@code X-Scheduler-Agent-Token}; set it in production
 *     (environment variable {@code SCHEDULER_AGENT_TOKEN})
 * @param suspectAfter silence after which an ONLINE node is SUSPECT
 * @param offlineAfter silence after which a node is OFFLINE and its running work failed over
 * @param scanInterval how often one replica looks for silent nodes
 */
@Validated
@ConfigurationProperties("scheduler.execution.nodes")
public record NodeProperties(
    String agentToken,
    @DefaultValue("5s") Duration suspectAfter,
    @DefaultValue("9s") Duration offlineAfter,
    @DefaultValue("1s") Duration scanInterval) {}
