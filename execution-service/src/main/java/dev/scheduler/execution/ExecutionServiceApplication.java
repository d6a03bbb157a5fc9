package dev.scheduler.execution;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of execution-service. */
@SpringBootApplication
public class ExecutionServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(ExecutionServiceApplication.class, args);
  }
}
