package dev.scheduler.monitor.alert;

import dev.scheduler.monitor.alert.AlertRule.Scope;
import dev.scheduler.support.Violations;
import java.time.Duration;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Turns an {@link AlertRuleRequest} into the fields of a rule, or refuses it with a 400 that names
 * every bad field. Each type's own settings are required for it and refused for the others, so that
 * a rule never carries a setting that does nothing.
 */
final class AlertRuleValidator {

  static final int MAX_NAME = 128;
  static final int MAX_DESCRIPTION = 1_024;
  static final int MAX_CHANNELS = 20;
  static final Duration DEFAULT_SILENCE = Duration.ofHours(1);
  static final Duration MAX_SILENCE = Duration.ofDays(7);
  static final Duration MAX_WINDOW = Duration.ofDays(1);
  static final int DEFAULT_MIN_RUNS = 10;

  private AlertRuleValidator() {}

  /** The rule the request describes (id, version and audit fields left empty). */
  static AlertRule validate(AlertRuleRequest r, boolean update, LongPredicate channelExists) {
    Violations v = new Violations();
    v.require(
        !update || r.version() != null,
        "version",
        "is required: the version the update is based on");
    v.require(r.name() != null && !r.name().isBlank(), "name", "is required");
    v.bounded(r.name(), "name", MAX_NAME);
    v.bounded(r.description(), "description", MAX_DESCRIPTION);
    RuleType type = v.oneOf(RuleType.class, r.type(), "type", null);
    Severity severity = v.oneOf(Severity.class, r.severity(), "severity", null);
    Scope scope = v.oneOf(Scope.class, r.scope(), "scope", Scope.ALL);
    String scopeValue = scopeValue(r, scope, type, v);

    Double threshold = only(type == RuleType.FAILURE_RATE, r.threshold(), "threshold", v);
    Duration window = only(type == RuleType.FAILURE_RATE, r.window(), "window", v);
    Integer minRuns = only(type == RuleType.FAILURE_RATE, r.minRuns(), "minRuns", v);
    Integer consecutive =
        only(
            type == RuleType.CONSECUTIVE_FAILURES,
            r.consecutiveFailures(),
            "consecutiveFailures",
            v);
    Duration fireDelayBound =
        only(type == RuleType.FIRE_DELAY, r.fireDelayBound(), "fireDelayBound", v);
    if (type == RuleType.FAILURE_RATE) {
      v.require(
          threshold != null && threshold > 0 && threshold <= 1,
          "threshold",
          "is required, above 0 and at most 1");
      v.require(
          window != null
              && window.compareTo(Duration.ofMinutes(1)) >= 0
              && window.compareTo(MAX_WINDOW) <= 0,
          "window",
          "is required, between PT1M and P1D");
      minRuns = v.between(minRuns, "minRuns", 1, 1_000_000, DEFAULT_MIN_RUNS);
    }
    if (type == RuleType.CONSECUTIVE_FAILURES) {
      v.require(consecutive != null, "consecutiveFailures", "is required");
      consecutive = v.between(consecutive, "consecutiveFailures", 2, 1_000, 2);
    }
    if (type == RuleType.FIRE_DELAY) {
      v.require(
          fireDelayBound != null && !fireDelayBound.isNegative() && !fireDelayBound.isZero(),
          "fireDelayBound",
          "is required and above zero");
    }
    Duration silence = r.silence() == null ? DEFAULT_SILENCE : r.silence();
    v.require(
        !silence.isNegative() && silence.compareTo(MAX_SILENCE) <= 0,
        "silence",
        "must be between PT0S and P7D");
    List<Long> channels = r.channelIds() == null ? List.of() : List.copyOf(r.channelIds());
    v.require(
        channels.size() <= MAX_CHANNELS,
        "channelIds",
        "must name at most " + MAX_CHANNELS + " channels");
    for (int i = 0; i < channels.size(); i++) {
      Long channel = channels.get(i);
      v.require(
          channel != null && channelExists.test(channel),
          "channelIds[" + i + "]",
          "channel " + channel + " does not exist");
    }
    boolean autoPause = Boolean.TRUE.equals(r.autoPause());
    v.require(
        !autoPause || type == RuleType.CONSECUTIVE_FAILURES,
        "autoPause",
        "is only for CONSECUTIVE_FAILURES rules");
    Integer autoPauseAfter = r.autoPauseAfter();
    if (autoPause && consecutive != null) {
      autoPauseAfter = v.between(autoPauseAfter, "autoPauseAfter", consecutive, 1_000, consecutive);
    } else {
      v.require(autoPauseAfter == null, "autoPauseAfter", "is only for rules with autoPause");
    }
    v.throwIfAny();
    return new AlertRule(
        0,
        r.name().trim(),
        r.description(),
        type,
        severity,
        scope,
        scopeValue,
        threshold,
        window,
        minRuns,
        consecutive,
        fireDelayBound,
        silence,
        channels,
        Boolean.TRUE.equals(r.notifyOwner()),
        autoPause,
        autoPauseAfter,
        !Boolean.FALSE.equals(r.enabled()),
        r.version() == null ? 0 : r.version(),
        null,
        null,
        null,
        null);
  }

  private static String scopeValue(AlertRuleRequest r, Scope scope, RuleType type, Violations v) {
    String value = r.scopeValue() == null ? null : r.scopeValue().trim();
    switch (scope) {
      case ALL ->
          v.require(value == null || value.isEmpty(), "scopeValue", "must be empty for scope ALL");
      case APP ->
          v.require(
              value != null && !value.isEmpty() && value.length() <= 64,
              "scopeValue",
              "must name the app");
      case JOB ->
          v.require(
              value != null && value.matches("[1-9][0-9]{0,18}"),
              "scopeValue",
              "must be the job's id");
    }
    boolean nodeRule =
        type == RuleType.NODE_OFFLINE
            || type == RuleType.NO_LIVE_AGENT
            || type == RuleType.DEAD_LETTER;
    v.require(
        !(nodeRule && scope == Scope.JOB), "scope", "must be ALL or APP for " + type + " rules");
    return scope == Scope.ALL ? null : value;
  }

  /**
   * The value when the setting belongs to the rule's type; a violation when it is set otherwise.
   */
  private static <T> T only(boolean belongs, T value, String field, Violations v) {
    if (!belongs && value != null) {
      v.add(field, "does not apply to this rule type");
      return null;
    }
    return value;
  }
}
