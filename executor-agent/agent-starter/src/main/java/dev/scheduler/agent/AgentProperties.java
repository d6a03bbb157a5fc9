package dev.scheduler.agent;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
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
 * @param host the address the platform sees this instance at (in the registry and in generated node
 *     ids); in Kubernetes the pod IP ({@code status.podIP} through the downward API), so that pods
 *     of one app stay distinct; when not set, the address the host name resolves to
 * @param capacity most executions this instance runs (or holds waiting behind a running one of the
 *     same job) at once; the agent takes no more fire events while full
 * @param heartbeatInterval how often the instance reports its liveness and load
 * @param nameServer address of the broker's name server ({@code host:port;host:port})
 * @param leaseMargin how much sooner than execution-service this instance counts a lease as run out
 *     when it could not renew it (the lease's time, 8 s by default, comes from execution-service):
 *     its handler is stopped before another attempt can be granted elsewhere. It covers a slow
 *     heartbeat's round trip and the difference between the two clocks' rates
 * @param defaultTimeout timeout of a fire event that carries none
 * @param shutdownGrace how long a stopping agent lets running handlers finish before interrupting
 *     them and reporting them ABANDONED, to be run elsewhere
 * @param logFlushInterval how often buffered log lines of a running handler are sent
 * @param reportStartAfter how far into a run its start is reported (a STARTED event); a run that
 *     ends sooner reports its start with its outcome, one event instead of two. Zero sends STARTED
 *     at once, as agents before it did (for an execution-service older than these agents, which
 *     would record no start time for such runs)
 * @param registry where the heartbeats go
 * @param http the built-in HTTP job type
 * @param shell the shell job type plugin, off unless enabled
 */
@Validated
@ConfigurationProperties("scheduler.agent")
public record AgentProperties(
    @DefaultValue("true") boolean enabled,
    @NotBlank @Pattern(regexp = "[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}") String app,
    String nodeId,
    String host,
    @DefaultValue("8") @Min(1) @Max(1024) int capacity,
    @DefaultValue("2s") Duration heartbeatInterval,
    @DefaultValue("127.0.0.1:9876") @NotBlank String nameServer,
    @DefaultValue("2s") Duration leaseMargin,
    @DefaultValue("10m") Duration defaultTimeout,
    @DefaultValue("30s") Duration shutdownGrace,
    @DefaultValue("500ms") Duration logFlushInterval,
    @DefaultValue("20ms") Duration reportStartAfter,
    @Valid @DefaultValue Registry registry,
    @Valid @DefaultValue Http http,
    @Valid @DefaultValue Shell shell) {

  /**
   * Where heartbeats and lease claims go: execution-service, found through discovery, or at a fixed
   * address.
   *
   * @param serviceId execution-service's id in discovery
   * @param url a fixed base URL of execution-service; wins over discovery when set
   * @param token the agent token execution-service expects in {@code X-Scheduler-Agent-Token}
   * @param timeout how long one heartbeat or lease claim may take
   */
  public record Registry(
      @DefaultValue("execution-service") String serviceId,
      String url,
      String token,
      @DefaultValue("2s") Duration timeout) {}

  /**
   * The HTTP job type.
   *
   * @param allowedHosts hosts HTTP jobs may call ({@code api.example.com}, {@code *.example.com});
   *     an HTTP job for any other host fails without a request. Empty: none
   * @param maxResponseChars how much of the response body becomes the execution's result
   * @param allowedRanges address ranges inside the network (CIDR, e.g. {@code 10.20.0.0/16}) that
   *     HTTP jobs may reach: every address an allowed host resolves to is checked when the
   *     connection is made, and loopback, link-local, private, shared and multicast ones are
   *     refused unless a range here holds them. Empty: the public internet only
   * @param maxResponseBytes how much of an answer is read at most (the rest is not)
   */
  public record Http(
      @DefaultValue List<String> allowedHosts,
      @DefaultValue("4096") int maxResponseChars,
      @DefaultValue List<String> allowedRanges,
      @DefaultValue("1048576") int maxResponseBytes) {}

  /**
   * The shell job type plugin (CUSTOM jobs with handler {@code shell}).
   *
   * @param enabled whether jobs may run commands on this instance at all
   */
  public record Shell(@DefaultValue("false") boolean enabled) {}
}
