package dev.scheduler.monitor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of monitor-service. */
@SpringBootApplication
public class MonitorServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(MonitorServiceApplication.class, args);
  }
}
