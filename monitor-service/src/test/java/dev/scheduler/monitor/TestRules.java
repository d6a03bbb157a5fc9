package dev.scheduler.monitor;

import dev.scheduler.monitor.alert.AlertRuleRequest;
import dev.scheduler.support.Caller;
import java.time.Duration;

/** Alert rules made in tests with only the settings that matter to them. */
public final class TestRules {

  public static final Caller ADMIN = new Caller("admin", "ADMIN", null);

  private TestRules() {}

  /** A rule of {@code type} for the app or job {@code scopeValue} (scope APP or JOB). */
  public static AlertRuleRequest rule(String name, String type, String scope, String scopeValue) {
    return request(name, type, scope, scopeValue, null, null, null, null);
  }

  /** A rule of {@code type} for a job that also tells the job's owner and contacts. */
  public static AlertRuleRequest toOwner(String name, String type, long job) {
    return request(name, type, "JOB", Long.toString(job), null, null, null, true);
  }

  /** A failure-rate rule of an app over {@code window} from {@code minRuns} runs on. */
  public static AlertRuleRequest rate(
      String name, String app, double threshold, Duration window, int minRuns) {
    return request(name, "FAILURE_RATE", "APP", app, threshold, window, minRuns, null);
  }

  private static AlertRuleRequest request(
      String name,
      String type,
      String scope,
      String scopeValue,
      Double threshold,
      Duration window,
      Integer minRuns,
      Boolean notifyOwner) {
    return new AlertRuleRequest(
        name,
        null,
        type,
        "WARNING",
        scope,
        scopeValue,
        threshold,
        window,
        minRuns,
        null,
        null,
        null,
        null,
        notifyOwner,
        null,
        null,
        null,
        null);
  }
}
