package dev.scheduler.agent;

import dev.scheduler.agent.run.Consumers;
import dev.scheduler.agent.run.Reporter;
import dev.scheduler.agent.run.Runner;
import dev.scheduler.contracts.ExecutionEventType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The agent's meters, in the business application's registry when it has Micrometer: load ({@code
 * scheduler.agent.running}, {@code .queued}, {@code .capacity}), executions ended by outcome
 * ({@code scheduler.agent.executions}), duplicate deliveries dropped ({@code
 * scheduler.agent.duplicates}), unreadable messages and events waiting for the broker.
 */
public class AgentMetrics implements MeterBinder {

  private final AgentIdentity identity;
  private final Runner runner;
  private final Reporter reporter;
  private final Consumers consumers;

  public AgentMetrics(
      AgentIdentity identity, Runner runner, Reporter reporter, Consumers consumers) {
    this.identity = identity;
    this.runner = runner;
    this.reporter = reporter;
    this.consumers = consumers;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    String app = identity.app();
    Gauge.builder("scheduler.agent.running", runner, Runner::running)
        .tag("app", app)
        .description("executions whose handler runs now")
        .register(registry);
    Gauge.builder("scheduler.agent.queued", runner, Runner::queued)
        .tag("app", app)
        .description("executions waiting behind an earlier fire of their job and shard")
        .register(registry);
    Gauge.builder("scheduler.agent.capacity", runner, Runner::capacity)
        .tag("app", app)
        .register(registry);
    for (ExecutionEventType type : ExecutionEventType.values()) {
      if (type.terminal()) {
        FunctionCounter.builder("scheduler.agent.executions", runner, r -> r.outcomes(type))
            .tag("app", app)
            .tag("outcome", type.name())
            .register(registry);
      }
    }
    FunctionCounter.builder("scheduler.agent.duplicates", runner, Runner::duplicates)
        .tag("app", app)
        .description("deliveries dropped because their attempt ran or runs already")
        .register(registry);
    FunctionCounter.builder("scheduler.agent.malformed", consumers, Consumers::malformed)
        .tag("app", app)
        .register(registry);
    Gauge.builder("scheduler.agent.report.pending", reporter, Reporter::pending)
        .tag("app", app)
        .description("execution events not yet stored by the broker")
        .register(registry);
    FunctionCounter.builder(
            "scheduler.agent.report.dropped.logs", reporter, Reporter::droppedLogEvents)
        .tag("app", app)
        .register(registry);
  }
}
