package dev.scheduler.agent;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of BEAN jobs whose {@code handler} is {@link #value()}. The
 * method takes no argument or one {@link JobContext}; what it returns (its {@code toString()}, cut
 * to 4 KiB) becomes the execution's result, and what it throws fails the execution.
 *
 * <pre>{@code
 * @SchedulerJob("reconcile-orders")
 * String reconcile(JobContext context) {
 *   context.log().info("shard {} of {}", context.shardIndex(), context.shardTotal());
 *   return "ok";
 * }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SchedulerJob {

  /** The handler name jobs refer to; unique within the application. */
  String value();
}
