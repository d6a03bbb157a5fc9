package dev.scheduler.sample;

import dev.scheduler.agent.JobContext;
import dev.scheduler.agent.SchedulerJob;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The sample's job handlers, used by the local stack and the end-to-end tests. Jobs of app {@code
 * sample-app} name them in {@code handler}.
 */
@Component
public class SampleJobs {

  private final TallyFile tally;

  public SampleJobs(TallyFile tally) {
    this.tally = tally;
  }

  /** Returns at once. */
  @SchedulerJob("quick")
  public String quick(JobContext context) {
    context.log().info("quick job for {}", context.params());
    return "ok";
  }

  /** Logs its shard; run it with several shards and shard parameters. */
  @SchedulerJob("sharded")
  public String sharded(JobContext context) {
    context
        .log()
        .info(
            "shard {} of {} with parameter {}",
            context.shardIndex(),
            context.shardTotal(),
            context.shardParameter());
    return "shard " + context.shardIndex() + " done";
  }

  /**
   * Works for as many seconds as its parameters say (default 30), logging each second; stops early
   * when cancelled or timed out.
   */
  @SchedulerJob("slow")
  public String slow(JobContext context) throws InterruptedException {
    long seconds = parseNumber(context.params(), 30);
    for (long second = 1; second <= seconds; second++) {
      if (context.cancelled()) {
        context.log().warn("stopping early after {} s", second - 1);
        return "stopped after " + (second - 1) + " s";
      }
      Thread.sleep(Duration.ofSeconds(1).toMillis());
      context.log().info("worked {} of {} s", second, seconds);
    }
    return "worked " + seconds + " s";
  }

  /**
   * Works for as many milliseconds as its parameters say (default 0), then writes a line for the
   * run to this instance's tally file ({@code sample.tally-file}), which outlives the process: a
   * run counted twice there ran twice. The write is a side effect outside the platform, so it is
   * made only while the lease is held, and carries the lease's fencing token.
   */
  @SchedulerJob("tally")
  public String tally(JobContext context) throws InterruptedException {
    long millis = parseNumber(context.params(), 0);
    Thread.sleep(millis);
    context.checkLease();
    tally.add(context);
    return "counted";
  }

  /** Fails on purpose, to show retries and alerts. */
  @SchedulerJob("failing")
  public void failing(JobContext context) {
    context.log().error("about to fail (attempt {})", context.attempt());
    throw new IllegalStateException("failing on purpose, attempt " + context.attempt());
  }

  private static long parseNumber(String params, long fallback) {
    if (params == null || params.isBlank()) {
      return fallback;
    }
    try {
      return Math.max(0, Long.parseLong(params.trim()));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
