package dev.scheduler.job.definition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.support.Violations;
import java.text.ParseException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.quartz.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Turns a {@link JobRequest} into a {@link JobSpec}, or refuses it with a 400 that names every bad
 * field. Every size is bounded so that one job cannot bloat the schema, the cache or a message.
 */
@Component
public class JobValidator {

  static final int MAX_NAME = 128;
  static final int MAX_DESCRIPTION = 1_024;
  static final int MAX_HANDLER = 255;
  static final int MAX_JOB_DATA = 16_384;
  static final int MAX_PARAMS = 8_192;
  static final int MAX_SHARDS = 1_000;
  static final int MAX_SHARD_PARAMETER = 255;
  static final int MAX_SHARD_PARAMETERS_TEXT = 4_096;
  static final int MAX_OWNER = 128;
  static final int MAX_LIST = 20;

  /** The columns the lists are stored in, comma-separated: {@code alert_contacts}, {@code tags}. */
  static final int MAX_CONTACTS_TEXT = 1_024;

  static final int MAX_TAGS_TEXT = 512;
  static final Duration MIN_RATE = Duration.ofSeconds(1);
  static final Duration MAX_INTERVAL = Duration.ofDays(366);
  static final Duration MAX_TIMEOUT = Duration.ofHours(24);
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  static final Duration MAX_RETRY_DELAY = Duration.ofHours(24);
  static final int DEFAULT_FIRE_ALL_LIMIT = 10;
  static final int MAX_FIRE_ALL_LIMIT = 1_000;

  private static final Pattern HANDLER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$.-]*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.:-]{1,32}");
  private static final Pattern SHARD_ENTRY = Pattern.compile("\\s*(\\d{1,4})\\s*=(.*)");

  private final Clock clock;

  public JobValidator(Clock clock) {
    this.clock = clock;
  }

  /**
   * The spec {@code request} describes.
   *
   * @throws dev.scheduler.support.ApiException a 400 naming every bad field
   */
  public JobSpec validate(JobRequest request) {
    return validate(request, false);
  }

  /** Like {@link #validate(JobRequest)}, and the request must name the version it updates. */
  public JobSpec validateUpdate(JobRequest request) {
    return validate(request, true);
  }

  private JobSpec validate(JobRequest request, boolean update) {
    Violations v = new Violations();
    v.require(
        !update || request.version() != null,
        "version",
        "is required: the version of the job the update is based on");
    String app = app(request.app(), v);
    String name = required(request.name(), "name", MAX_NAME, v);
    String description = v.bounded(request.description(), "description", MAX_DESCRIPTION);
    boolean legacyCron = "CRON".equalsIgnoreCase(Objects.toString(request.jobType(), "").trim());
    JobType jobType =
        legacyCron ? JobType.BEAN : v.oneOf(JobType.class, request.jobType(), "jobType", null);
    String handler = handler(jobType, request.handler(), v);
    String jobData = jobData(jobType, request.jobData(), v);
    String params = v.bounded(request.params(), "params", MAX_PARAMS);
    Schedule schedule = schedule(request.schedule(), legacyCron, v);
    int shardCount = v.between(request.shardCount(), "shardCount", 1, MAX_SHARDS, 1);
    Map<Integer, String> shardParameters =
        shardParameters(request.shardParameters(), shardCount, v);
    boolean broadcast = Boolean.TRUE.equals(request.broadcast());
    // A broadcast fires one event per live agent of the app; shards mean nothing for it.
    v.require(
        !broadcast || (shardCount == 1 && shardParameters.isEmpty()),
        "broadcast",
        "a broadcast job runs once on every live agent of its app; it takes no shardCount or"
            + " shardParameters");
    int priority = v.between(request.priority(), "priority", 1, 10, 5);
    Duration timeout = timeout(request.timeout(), v);
    RetryPolicy retry = retry(request.retryPolicy(), v);
    MisfirePolicy misfire =
        v.oneOf(
            MisfirePolicy.class, request.misfirePolicy(), "misfirePolicy", MisfirePolicy.FIRE_NOW);
    int fireAllLimit =
        v.between(
            request.misfireFireAllLimit(),
            "misfireFireAllLimit",
            1,
            MAX_FIRE_ALL_LIMIT,
            DEFAULT_FIRE_ALL_LIMIT);
    BlockStrategy block =
        v.oneOf(
            BlockStrategy.class, request.blockStrategy(), "blockStrategy", BlockStrategy.SERIAL);
    String owner = v.bounded(request.owner(), "owner", MAX_OWNER);
    List<String> contacts =
        list(request.alertContacts(), "alertContacts", v, null, MAX_CONTACTS_TEXT);
    List<String> tags = list(request.tags(), "tags", v, TAG, MAX_TAGS_TEXT);
    v.throwIfAny();
    return new JobSpec(
        app,
        name,
        description,
        jobType,
        handler,
        jobData,
        params,
        schedule,
        shardCount,
        shardParameters,
        broadcast,
        priority,
        timeout,
        retry,
        misfire,
        fireAllLimit,
        block,
        owner,
        contacts,
        tags);
  }

  private static String app(String app, Violations v) {
    if (v.require(app != null && !app.isBlank(), "app", "is required")) {
      v.require(
          ConsumerGroups.APP_NAME.matcher(app).matches(),
          "app",
          "must be 1-64 letters, digits, '_' or '-', starting with a letter or digit");
    }
    return app;
  }

  private static String required(String text, String field, int max, Violations v) {
    if (v.require(text != null && !text.isBlank(), field, "is required")) {
      v.bounded(text, field, max);
    }
    return text == null ? null : text.trim();
  }

  private static String handler(JobType type, String handler, Violations v) {
    if (type == null || type == JobType.HTTP) {
      return handler == null || handler.isBlank() ? null : handler.trim();
    }
    String field = "handler";
    if (v.require(handler != null && !handler.isBlank(), field, "is required for " + type + " jobs")
        && v.require(handler.length() <= MAX_HANDLER, field, "must be at most 255 characters")) {
      v.require(
          HANDLER.matcher(handler.trim()).matches(),
          field,
          "must be a bean or plugin name (letters, digits, '_', '$', '.', '-')");
    }
    return handler == null ? null : handler.trim();
  }

  private static String jobData(JobType type, JsonNode data, Violations v) {
    String field = "jobData";
    boolean present = data != null && !data.isNull();
    if (type == JobType.HTTP
        && v.require(
            present && data.isObject(), field, "is required for HTTP jobs: an object with a url")) {
      JsonNode url = data.get("url");
      v.require(
          url != null && url.isTextual() && url.asText().matches("(?i)https?://\\S+"),
          field + ".url",
          "must be an http:// or https:// URL");
      JsonNode method = data.get("method");
      v.require(
          method == null || method.asText().matches("(?i)GET|POST|PUT|PATCH|DELETE|HEAD"),
          field + ".method",
          "must be one of GET, POST, PUT, PATCH, DELETE, HEAD");
    }
    if (!present) {
      return null;
    }
    String text = data.isTextual() ? data.asText() : data.toString();
    v.require(
        text.length() <= MAX_JOB_DATA, field, "must be at most " + MAX_JOB_DATA + " characters");
    return text;
  }

  private Schedule schedule(JobRequest.ScheduleRequest s, boolean legacyCron, Violations v) {
    if (s == null) {
      v.add("schedule", "is required");
      return null;
    }
    ScheduleType type =
        v.oneOf(
            ScheduleType.class, s.type(), "schedule.type", legacyCron ? ScheduleType.CRON : null);
    v.require(
        !legacyCron || type == ScheduleType.CRON,
        "jobType",
        "CRON is accepted only as a BEAN job with a CRON schedule");
    ZoneId zone = zone(s.timeZone(), v);
    Instant now = clock.instant();
    v.require(
        s.startAt() == null || s.endAt() == null || s.startAt().isBefore(s.endAt()),
        "schedule.endAt",
        "must be after startAt");
    v.require(
        s.endAt() == null || s.endAt().isAfter(now), "schedule.endAt", "must be in the future");
    if (type == ScheduleType.CRON) {
      cron(s, zone, now, v);
    }
    if (type == ScheduleType.FIXED_RATE
        && v.require(s.fixedRate() != null, "schedule.fixedRate", "is required for FIXED_RATE")) {
      v.require(
          s.fixedRate().compareTo(MIN_RATE) >= 0 && s.fixedRate().compareTo(MAX_INTERVAL) <= 0,
          "schedule.fixedRate",
          "must be between PT1S and P366D");
    }
    if (type == ScheduleType.ONE_TIME
        && v.require(s.fireAt() != null, "schedule.fireAt", "is required for ONE_TIME")) {
      v.require(s.fireAt().isAfter(now), "schedule.fireAt", "must be in the future");
      v.require(
          s.endAt() == null || !s.fireAt().isAfter(s.endAt()),
          "schedule.fireAt",
          "must not be after endAt");
    }
    noneOf(type, s, v);
    return new Schedule(
        type, trimmed(s.cron()), s.fixedRate(), s.fireAt(), zone, s.startAt(), s.endAt());
  }

  private static void cron(JobRequest.ScheduleRequest s, ZoneId zone, Instant now, Violations v) {
    String field = "schedule.cron";
    if (!v.require(s.cron() != null && !s.cron().isBlank(), field, "is required for CRON")
        || !v.require(s.cron().length() <= 120, field, "must be at most 120 characters")) {
      return;
    }
    CronExpression cron;
    try {
      cron = new CronExpression(s.cron().trim());
    } catch (ParseException e) {
      v.add(
          field,
          "is not a Quartz cron expression (sec min hour day month weekday [year]): "
              + e.getMessage());
      return;
    }
    if (zone == null) {
      return;
    }
    cron.setTimeZone(TimeZone.getTimeZone(zone));
    Instant from = s.startAt() != null && s.startAt().isAfter(now) ? s.startAt() : now;
    Date next = cron.getNextValidTimeAfter(Date.from(from));
    v.require(
        next != null && (s.endAt() == null || !next.toInstant().isAfter(s.endAt())),
        field,
        "never fires" + (s.endAt() == null ? "" : " before endAt"));
  }

  private static void noneOf(ScheduleType type, JobRequest.ScheduleRequest s, Violations v) {
    if (type == null) {
      return;
    }
    v.require(
        type == ScheduleType.CRON || s.cron() == null,
        "schedule.cron",
        "is only for CRON schedules");
    v.require(
        type == ScheduleType.FIXED_RATE || s.fixedRate() == null,
        "schedule.fixedRate",
        "is only for FIXED_RATE schedules");
    v.require(
        type == ScheduleType.ONE_TIME || s.fireAt() == null,
        "schedule.fireAt",
        "is only for ONE_TIME schedules");
  }

  private static ZoneId zone(String timeZone, Violations v) {
    if (timeZone == null || timeZone.isBlank()) {
      return ZoneOffset.UTC;
    }
    try {
      ZoneId zone = ZoneId.of(timeZone.trim());
      if (zone instanceof ZoneOffset && !zone.equals(ZoneOffset.UTC)) {
        v.add("schedule.timeZone", "must be an IANA region such as Europe/Berlin, not an offset");
        return null;
      }
      return zone;
    } catch (DateTimeException e) {
      v.add("schedule.timeZone", "is not an IANA time zone id such as Asia/Shanghai");
      return null;
    }
  }

  private static Map<Integer, String> shardParameters(JsonNode node, int shardCount, Violations v) {
    String field = "shardParameters";
    Map<Integer, String> parameters = new TreeMap<>();
    if (node == null || node.isNull()) {
      return parameters;
    }
    if (node.isTextual()) {
      String text = node.asText();
      if (!v.require(
          text.length() <= MAX_SHARD_PARAMETERS_TEXT, field, "must be at most 4096 characters")) {
        return parameters;
      }
      for (String entry : text.split(",")) {
        if (entry.isBlank()) {
          continue;
        }
        var matcher = SHARD_ENTRY.matcher(entry);
        if (!v.require(matcher.matches(), field, "must look like 0=beijing,1=shanghai")) {
          return parameters;
        }
        shard(
            parameters, Integer.parseInt(matcher.group(1)), matcher.group(2).trim(), shardCount, v);
      }
    } else if (v.require(
        node.isObject(), field, "must be text like 0=beijing,1=shanghai or an object")) {
      for (var entry : node.properties()) {
        if (v.require(
            entry.getKey().matches("\\d{1,4}"),
            field + "." + entry.getKey(),
            "must be a shard index")) {
          shard(
              parameters,
              Integer.parseInt(entry.getKey()),
              entry.getValue().asText(),
              shardCount,
              v);
        }
      }
    }
    return parameters;
  }

  private static void shard(
      Map<Integer, String> parameters, int index, String value, int shardCount, Violations v) {
    String field = "shardParameters[" + index + "]";
    v.require(index < shardCount, field, "shard index must be below shardCount " + shardCount);
    v.require(value.length() <= MAX_SHARD_PARAMETER, field, "must be at most 255 characters");
    v.require(parameters.put(index, value) == null, field, "is given twice");
  }

  private static Duration timeout(Duration timeout, Violations v) {
    if (timeout == null) {
      return DEFAULT_TIMEOUT;
    }
    v.require(
        timeout.compareTo(Duration.ofSeconds(1)) >= 0 && timeout.compareTo(MAX_TIMEOUT) <= 0,
        "timeout",
        "must be between PT1S and PT24H");
    return timeout;
  }

  private static RetryPolicy retry(JobRequest.RetryRequest r, Violations v) {
    if (r == null) {
      return RetryPolicy.NONE;
    }
    int attempts =
        v.between(r.maxAttempts(), "retryPolicy.maxAttempts", 1, RetryPolicy.MAX_ATTEMPTS_LIMIT, 1);
    RetryPolicy.Backoff backoff =
        v.oneOf(
            RetryPolicy.Backoff.class,
            r.backoff(),
            "retryPolicy.backoff",
            RetryPolicy.Backoff.FIXED);
    Duration initial = Objects.requireNonNullElse(r.initialDelay(), Duration.ofSeconds(10));
    Duration max = Objects.requireNonNullElse(r.maxDelay(), initial);
    v.require(
        !initial.isNegative() && initial.compareTo(MAX_RETRY_DELAY) <= 0,
        "retryPolicy.initialDelay",
        "must be between PT0S and PT24H");
    v.require(
        max.compareTo(initial) >= 0 && max.compareTo(MAX_RETRY_DELAY) <= 0,
        "retryPolicy.maxDelay",
        "must be between initialDelay and PT24H");
    return new RetryPolicy(attempts, backoff, initial, max);
  }

  /**
   * A list stored as one comma-separated column: each entry checked, and all of them together
   * within {@code maxText}, the column's size (entries of the longest allowed length would not
   * fit).
   */
  private static List<String> list(
      List<String> items, String field, Violations v, Pattern form, int maxText) {
    if (items == null) {
      return List.of();
    }
    v.require(items.size() <= MAX_LIST, field, "must have at most " + MAX_LIST + " entries");
    int text =
        items.stream().filter(Objects::nonNull).mapToInt(i -> i.trim().length() + 1).sum() - 1;
    v.require(
        text <= maxText,
        field,
        "must be at most " + maxText + " characters together (with a comma between entries)");
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i);
      v.require(
          item != null && !item.isBlank() && item.length() <= MAX_OWNER && !item.contains(","),
          field + "[" + i + "]",
          "must be 1-128 characters without commas");
      if (form != null && item != null) {
        v.require(
            form.matcher(item).matches(),
            field + "[" + i + "]",
            "must be 1-32 letters, digits, '_', '.', ':' or '-'");
      }
    }
    return items.stream().filter(Objects::nonNull).map(String::trim).toList();
  }

  private static String trimmed(String text) {
    return text == null ? null : text.trim();
  }
}
