package dev.scheduler.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Wires real servers into the Spring test context of the annotated class: {@code
 * spring.datasource.*} to a fresh database of the class's own, {@code spring.data.redis.*} to the
 * test Redis and {@code rocketmq.name-server} to the in-process broker (and the executor agent's
 * {@code scheduler.agent.name-server} to the same).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface RealServers {

  /** Whether the class gets a fresh MySQL/MariaDB database. */
  boolean database() default true;

  /** Whether the class gets Redis. */
  boolean redis() default true;

  /** Whether the class gets the in-process RocketMQ broker. */
  boolean rocketmq() default true;
}
