package dev.scheduler.agent;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the executor agent, under {@code scheduler.agent}.
 *
 * @param enabled whether the agent runs in this application at all
 * @param app the executor group this instance belongs to: jobs name it, and every instance of the
 *     application shares it
 * @param nodeId this instance's id in the node registry; generated from the app, host and process
 *     when not set
 * @param capacity most executions this instance runs at once
 * @param heartbeatInterval how often the instance reports its liveness and load
 */
@Validated
@ConfigurationProperties("scheduler.agent")
public record AgentProperties(
    @DefaultValue("true") boolean enabled,
    @NotBlank @Pattern(regexp = "[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}") String app,
    String nodeId,
    @DefaultValue("8") @Min(1) @Max(1024) int capacity,
    @DefaultValue("3s") Duration heartbeatInterval) {}
