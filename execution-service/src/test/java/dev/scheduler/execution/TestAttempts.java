package dev.scheduler.execution;

import dev.scheduler.execution.api.ExecutionQueries;
import java.util.List;

/** An execution's attempts as its detail shows them, as {@code "attempt:STATUS"}. */
public final class TestAttempts {

  private TestAttempts() {}

  public static List<String> of(ExecutionQueries queries, String executionId) {
    return queries
        .find(executionId)
        .map(view -> view.attempts().stream().map(a -> a.attempt() + ":" + a.status()).toList())
        .orElse(List.of());
  }
}
