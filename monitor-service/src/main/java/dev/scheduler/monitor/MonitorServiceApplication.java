package dev.scheduler.monitor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Entry point of monitor-service. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class MonitorServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(MonitorServiceApplication.class, args);
  }
}
