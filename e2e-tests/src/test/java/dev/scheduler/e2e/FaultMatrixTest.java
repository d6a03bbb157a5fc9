package dev.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix for the run-once guarantee, not part of the build's tests (tag {@code faults}):
 * rounds of a 20 s run whose agent is paused (SIGSTOP), cut off from execution-service, or killed,
 * for each of the lengths given, with totals per case. Run with {@code e2e-tests/fault-run.sh}
 * (rounds per case: {@code -Dfaults.rounds}, lengths in seconds: {@code -Dfaults.lengths=5,15,60}).
 */
@Tag("faults")
class FaultMatrixTest {

  @Test
  void every_run_ends_once_whatever_its_agent_goes_through() {
    int rounds = Integer.getInteger("faults.rounds", 10);
    List<Duration> lengths = new ArrayList<>();
    for (String seconds : System.getProperty("faults.lengths", "5,15,60").split(",")) {
      lengths.add(Duration.ofSeconds(Long.parseLong(seconds.trim())));
    }
    List<String> table = new ArrayList<>();
    table.add("| case | rounds | runs | run twice | lost | failed over | failover p50 / max ms |");
    table.add("|---|---|---|---|---|---|---|");
    long twice = 0;
    long lost = 0;
    try (FaultPlatform platform = new FaultPlatform("fault-matrix", 20_000)) {
      for (FaultPlatform.Fault fault : FaultPlatform.Fault.values()) {
        for (Duration length : lengths) {
          List<FaultPlatform.Round> done = new ArrayList<>();
          for (int i = 0; i < rounds; i++) {
            FaultPlatform.Round round = platform.round(fault, length);
            System.out.println("fault round " + round);
            done.add(round);
          }
          long runs = done.stream().mapToLong(r -> r.tally().size()).sum();
          long caseTwice = done.stream().filter(r -> r.tally().size() > 1).count();
          long caseLost = done.stream().filter(r -> r.tally().isEmpty()).count();
          List<Long> failovers =
              done.stream()
                  .filter(r -> r.failover() != null)
                  .map(r -> r.failover().toMillis())
                  .sorted()
                  .toList();
          table.add(
              "| "
                  + fault
                  + " "
                  + length.toSeconds()
                  + " s | "
                  + done.size()
                  + " | "
                  + runs
                  + " | "
                  + caseTwice
                  + " | "
                  + caseLost
                  + " | "
                  + failovers.size()
                  + " | "
                  + (failovers.isEmpty()
                      ? "–"
                      : failovers.get(failovers.size() / 2)
                          + " / "
                          + failovers.get(failovers.size() - 1))
                  + " |");
          twice += caseTwice;
          lost += caseLost;
          table.forEach(System.out::println);
        }
      }
    }
    System.out.println("fault matrix:");
    table.forEach(System.out::println);
    assertThat(twice).as("rounds whose run ran twice").isZero();
    assertThat(lost).as("rounds whose run never finished").isZero();
  }
}
