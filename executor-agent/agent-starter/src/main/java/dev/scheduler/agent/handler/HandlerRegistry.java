package dev.scheduler.agent.handler;

import dev.scheduler.agent.JobContext;
import dev.scheduler.agent.JobHandler;
import dev.scheduler.agent.JobTypePlugin;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.JobType;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The handlers, job types and plugins of this application, looked up per fire event. */
public class HandlerRegistry {

  /** Runs one shard of one fire. */
  @FunctionalInterface
  public interface Work {
    Object run(JobContext context) throws Exception;
  }

  /**
   * What a fire event resolves to: the work, or why there is none.
   *
   * @param work what to run, null when refused
   * @param refusal why the agent cannot run it, null when it can
   */
  public record Resolution(Work work, String refusal) {}

  private final Map<String, Work> beans = new ConcurrentHashMap<>();
  private final Map<String, JobTypePlugin> plugins = new ConcurrentHashMap<>();
  private final HttpJobType http;

  public HandlerRegistry(HttpJobType http) {
    this.http = http;
  }

  /**
   * Adds the handler of BEAN jobs named {@code name}.
   *
   * @throws IllegalStateException when another handler has the name: a startup error, never a
   *     silent choice between the two
   */
  public void register(String name, Work work, String origin) {
    if (name == null || name.isBlank()) {
      throw new IllegalStateException("job handler of " + origin + " has no name");
    }
    if (beans.putIfAbsent(name, work) != null) {
      throw new IllegalStateException(
          "two job handlers are named '" + name + "'; the second is " + origin);
    }
  }

  public void register(JobHandler handler) {
    register(handler.name(), handler::run, handler.getClass().getName());
  }

  public void register(JobTypePlugin plugin) {
    if (plugins.putIfAbsent(plugin.type(), plugin) != null) {
      throw new IllegalStateException("two job type plugins are named '" + plugin.type() + "'");
    }
  }

  /** The names of the BEAN handlers, for the instance's metadata. */
  public Set<String> handlerNames() {
    return new TreeSet<>(beans.keySet());
  }

  /** What runs {@code fire}, or why nothing here can. */
  public Resolution resolve(FireEvent fire) {
    JobType type = fire.jobType();
    if (type == null) {
      // Absent, or a type of a newer platform that reads as null here: running it as some other
      // type (a handler of the same name, say) would run the wrong work.
      return new Resolution(
          null, "the fire names no job type this agent knows (a newer platform's?): not run");
    }
    return switch (type) {
      case BEAN -> {
        Work work = fire.handler() == null ? null : beans.get(fire.handler());
        yield work != null
            ? new Resolution(work, null)
            : new Resolution(
                null,
                "no handler named '"
                    + fire.handler()
                    + "' in this application; it has "
                    + handlerNames());
      }
      case HTTP -> new Resolution(http::run, null);
      case CUSTOM -> {
        JobTypePlugin plugin = fire.handler() == null ? null : plugins.get(fire.handler());
        yield plugin != null
            ? new Resolution(plugin::run, null)
            : new Resolution(
                null,
                "no job type plugin named '"
                    + fire.handler()
                    + "' in this application; it has "
                    + new TreeSet<>(plugins.keySet()));
      }
    };
  }
}
