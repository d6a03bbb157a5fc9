package dev.scheduler.job.definition;

import dev.scheduler.contracts.BlockStrategy;
import dev.scheduler.contracts.JobType;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.RetryPolicy;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Repository;

/** {@code scheduler_job_definition}, read and written with plain SQL. */
@Repository
public class JobRepository {

  private static final Logger log = LoggerFactory.getLogger(JobRepository.class);

  private static final String COLUMNS =
      "app, name, description, job_type, job_class, job_data, params, schedule_type,"
          + " cron_expression, fixed_rate_ms, fire_at, time_zone, start_at, end_at, shard_count,"
          + " shard_parameters, broadcast, priority, timeout_ms, retry_max_attempts, retry_backoff,"
          + " retry_initial_delay_ms, retry_max_delay_ms, misfire_policy, misfire_fire_all_limit,"
          + " block_strategy, owner, alert_contacts, tags";

  /**
   * A listing counts its matches up to this many. Counting all of an app's 100,000 jobs took 116 ms
   * on MariaDB, counting to this bound 8 ms.
   */
  static final int COUNT_BOUND = 10_000;

  private final JdbcClient jdbc;

  /**
   * How text matches name or tags, case-insensitively. MySQL and MariaDB compare these columns
   * case-insensitively by their collation, and {@code LOWER()} on every row made a search of
   * 100,000 jobs take 299 ms instead of 43; H2 (the embedded default) compares case-sensitively.
   */
  private final String textMatch;

  private final int countBound;

  private final JobSearchIndex search;

  @Autowired
  public JobRepository(JdbcClient jdbc, DataSource dataSource) {
    this(jdbc, dataSource, COUNT_BOUND, new JobSearchIndex(jdbc));
  }

  JobRepository(JdbcClient jdbc, DataSource dataSource, int countBound, JobSearchIndex search) {
    this.jdbc = jdbc;
    this.countBound = countBound;
    this.search = search;
    this.textMatch =
        caseInsensitiveCollation(dataSource)
            ? "(name LIKE :text ESCAPE '!' OR tags LIKE :text ESCAPE '!')"
            : "(LOWER(name) LIKE :text ESCAPE '!' OR LOWER(tags) LIKE :text ESCAPE '!')";
  }

  private static boolean caseInsensitiveCollation(DataSource dataSource) {
    try {
      String product =
          JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
      return product.contains("MySQL") || product.contains("MariaDB");
    } catch (MetaDataAccessException e) {
      return false; // LOWER() matches on any database, only slower
    }
  }

  /** Stores a new job and returns its id. */
  public long insert(JobSpec spec, JobStatus status, Instant now, String actor) {
    Map<String, Object> values = columns(spec);
    values.put("status", status.name());
    values.put("created_at", Timestamp.from(now));
    values.put("created_by", actor);
    values.put("updated_at", Timestamp.from(now));
    values.put("updated_by", actor);
    String names = String.join(", ", values.keySet());
    String params = values.keySet().stream().map(k -> ":" + k).collect(Collectors.joining(", "));
    GeneratedKeyHolder key = new GeneratedKeyHolder();
    jdbc.sql("INSERT INTO scheduler_job_definition (" + names + ") VALUES (" + params + ")")
        .params(values)
        .update(key, "id");
    long id = key.getKey().longValue();
    search.add(id, spec.name(), spec.tags());
    return id;
  }

  /** The job, unless it does not exist or was deleted. */
  public Optional<JobDefinition> find(long id) {
    return jdbc.sql(
            "SELECT id, status, version, created_at, created_by, updated_at, updated_by, "
                + COLUMNS
                + " FROM scheduler_job_definition WHERE id = ? AND status <> 'DELETED'")
        .param(id)
        .query(JobRepository::map)
        .optional();
  }

  /** Whether a job with this id was ever created, deleted ones included. */
  public boolean everExisted(long id) {
    return jdbc.sql("SELECT COUNT(*) FROM scheduler_job_definition WHERE id = ?")
            .param(id)
            .query(Integer.class)
            .single()
        > 0;
  }

  /**
   * Replaces the spec of a live job if it is still at {@code expectedVersion}.
   *
   * @return whether it was (false: the job changed since, or is gone)
   */
  public boolean update(long id, JobSpec spec, long expectedVersion, Instant now, String actor) {
    Map<String, Object> values = columns(spec);
    String assignments =
        values.keySet().stream().map(k -> k + " = :" + k).collect(Collectors.joining(", "));
    values.put("updated_at", Timestamp.from(now));
    values.put("updated_by", actor);
    values.put("id", id);
    values.put("expected", expectedVersion);
    boolean updated =
        jdbc.sql(
                    "UPDATE scheduler_job_definition SET "
                        + assignments
                        + ", updated_at = :updated_at, updated_by = :updated_by,"
                        + " version = version + 1"
                        + " WHERE id = :id AND version = :expected AND status <> 'DELETED'")
                .params(values)
                .update()
            == 1;
    if (updated) {
      search.put(id, spec.name(), spec.tags());
    }
    return updated;
  }

  /** Moves a live job from one state to another; false if it was not in {@code from}. */
  public boolean changeStatus(long id, JobStatus from, JobStatus to, Instant now, String actor) {
    boolean changed =
        jdbc.sql(
                    "UPDATE scheduler_job_definition SET status = ?, updated_at = ?, updated_by = ?,"
                        + " version = version + 1, deleted_at = ?, deleted_id = ?"
                        + " WHERE id = ? AND status = ?")
                .params(
                    to.name(),
                    Timestamp.from(now),
                    actor,
                    to == JobStatus.DELETED ? Timestamp.from(now) : null,
                    to == JobStatus.DELETED ? id : 0L,
                    id,
                    from.name())
                .update()
            == 1;
    if (changed && to == JobStatus.DELETED) {
      search.remove(id);
    }
    return changed;
  }

  /** One page of the jobs matching {@code query}, and how many match in all. */
  public Page list(JobQuery query) {
    List<String> where = new ArrayList<>();
    Map<String, Object> params = new LinkedHashMap<>();
    if (query.status() == null) {
      where.add("status <> 'DELETED'");
    } else {
      where.add("status = :status");
      params.put("status", query.status().name());
    }
    if (query.app() != null) {
      where.add("app = :app");
      params.put("app", query.app());
    }
    if (query.scheduleType() != null) {
      where.add("schedule_type = :scheduleType");
      params.put("scheduleType", query.scheduleType().name());
    }
    if (query.text() != null && !query.text().isBlank()) {
      where.add(textMatch);
      params.put("text", "%" + likeEscaped(query.text().toLowerCase()) + "%");
      Optional<List<Long>> candidates = search.candidates(query.text());
      if (candidates.isPresent() && candidates.get().isEmpty()) {
        return new Page(List.of(), 0, true);
      }
      if (candidates.isPresent()) {
        where.add("id IN (:candidates)");
        params.put("candidates", candidates.get());
      }
    }
    String filter = " FROM scheduler_job_definition WHERE " + String.join(" AND ", where);
    String order =
        " ORDER BY " + query.sort().column() + (query.descending() ? " DESC" : " ASC") + ", id";
    long offset = (long) query.page() * query.size();
    Map<String, Object> pageParams = new LinkedHashMap<>(params);
    pageParams.put("limit", query.size());
    pageParams.put("offset", offset);
    List<JobDefinition> jobs =
        jdbc.sql(
                "SELECT id, status, version, created_at, created_by, updated_at, updated_by, "
                    + COLUMNS
                    + filter
                    + order
                    + " LIMIT :limit OFFSET :offset")
            .params(pageParams)
            .query(JobRepository::map)
            .list();
    if (jobs.size() < query.size() && (!jobs.isEmpty() || offset == 0)) {
      return new Page(jobs, offset + jobs.size(), true); // the last page: nothing more to count
    }
    params.put("bound", countBound + 1);
    long counted =
        jdbc.sql("SELECT COUNT(*) FROM (SELECT 1" + filter + " LIMIT :bound) matches")
            .params(params)
            .query(Long.class)
            .single();
    return counted > countBound ? new Page(jobs, countBound, false) : new Page(jobs, counted, true);
  }

  /**
   * Adds the jobs stored before the search index existed to it; returns how many it looked at.
   * Replicas starting together may both add a job: the second one's insert fails on the duplicate
   * and it goes on with the others.
   */
  @EventListener(ApplicationReadyEvent.class)
  public int indexUnsearchableJobs() {
    int indexed = search.fillMissing();
    if (indexed > 0) {
      log.info("added {} jobs stored before the search index existed to it", indexed);
    }
    return indexed;
  }

  /**
   * A page of jobs and the number of all matches.
   *
   * @param total how many match; when not {@code totalExact}, at least this many
   * @param totalExact false when counting stopped at its bound ({@link #COUNT_BOUND})
   */
  public record Page(List<JobDefinition> jobs, long total, boolean totalExact) {}

  private static String likeEscaped(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  private static Map<String, Object> columns(JobSpec spec) {
    Schedule s = spec.schedule();
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("app", spec.app());
    values.put("name", spec.name());
    values.put("description", spec.description());
    values.put("job_type", spec.jobType().name());
    values.put("job_class", spec.handler());
    values.put("job_data", spec.jobData());
    values.put("params", spec.params());
    values.put("schedule_type", s.type().name());
    values.put("cron_expression", s.cron());
    values.put("fixed_rate_ms", s.fixedRate() == null ? null : s.fixedRate().toMillis());
    values.put("fire_at", timestamp(s.fireAt()));
    values.put("time_zone", s.timeZone().getId());
    values.put("start_at", timestamp(s.startAt()));
    values.put("end_at", timestamp(s.endAt()));
    values.put("shard_count", spec.shardCount());
    values.put("shard_parameters", shardText(spec.shardParameters()));
    values.put("broadcast", spec.broadcast());
    values.put("priority", spec.priority());
    values.put("timeout_ms", spec.timeout().toMillis());
    values.put("retry_max_attempts", spec.retryPolicy().maxAttempts());
    values.put("retry_backoff", spec.retryPolicy().backoff().name());
    values.put("retry_initial_delay_ms", spec.retryPolicy().initialDelay().toMillis());
    values.put("retry_max_delay_ms", spec.retryPolicy().maxDelay().toMillis());
    values.put("misfire_policy", spec.misfirePolicy().name());
    values.put("misfire_fire_all_limit", spec.misfireFireAllLimit());
    values.put("block_strategy", spec.blockStrategy().name());
    values.put("owner", spec.owner());
    values.put("alert_contacts", joined(spec.alertContacts()));
    values.put("tags", joined(spec.tags()));
    return values;
  }

  private static JobDefinition map(ResultSet rs, int row) throws SQLException {
    Schedule schedule =
        new Schedule(
            ScheduleType.valueOf(rs.getString("schedule_type")),
            rs.getString("cron_expression"),
            millis(rs, "fixed_rate_ms"),
            instant(rs, "fire_at"),
            ZoneId.of(rs.getString("time_zone")),
            instant(rs, "start_at"),
            instant(rs, "end_at"));
    JobSpec spec =
        new JobSpec(
            rs.getString("app"),
            rs.getString("name"),
            rs.getString("description"),
            JobType.valueOf(rs.getString("job_type")),
            rs.getString("job_class"),
            rs.getString("job_data"),
            rs.getString("params"),
            schedule,
            rs.getInt("shard_count"),
            shardMap(rs.getString("shard_parameters")),
            rs.getBoolean("broadcast"),
            rs.getInt("priority"),
            Duration.ofMillis(rs.getLong("timeout_ms")),
            new RetryPolicy(
                rs.getInt("retry_max_attempts"),
                RetryPolicy.Backoff.valueOf(rs.getString("retry_backoff")),
                Duration.ofMillis(rs.getLong("retry_initial_delay_ms")),
                Duration.ofMillis(rs.getLong("retry_max_delay_ms"))),
            MisfirePolicy.valueOf(rs.getString("misfire_policy")),
            rs.getInt("misfire_fire_all_limit"),
            BlockStrategy.valueOf(rs.getString("block_strategy")),
            rs.getString("owner"),
            split(rs.getString("alert_contacts")),
            split(rs.getString("tags")));
    return new JobDefinition(
        rs.getLong("id"),
        spec,
        JobStatus.valueOf(rs.getString("status")),
        rs.getLong("version"),
        instant(rs, "created_at"),
        rs.getString("created_by"),
        instant(rs, "updated_at"),
        rs.getString("updated_by"));
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  private static Duration millis(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : Duration.ofMillis(value);
  }

  private static String joined(List<String> items) {
    return items.isEmpty() ? null : String.join(",", items);
  }

  /** Tags or contacts as stored: joined by commas, null when none. */
  static List<String> split(String text) {
    return text == null || text.isEmpty() ? List.of() : Arrays.asList(text.split(","));
  }

  /** Stored as a JSON object of index to parameter, so that any text survives the round trip. */
  private static String shardText(Map<Integer, String> parameters) {
    return parameters.isEmpty() ? null : Json.toJson(new TreeMap<>(parameters));
  }

  private static Map<Integer, String> shardMap(String text) {
    if (text == null) {
      return Map.of();
    }
    Map<Integer, String> parameters = new TreeMap<>();
    Json.fromJson(text, Map.class)
        .forEach((k, v) -> parameters.put(Integer.valueOf(k.toString()), (String) v));
    return parameters;
  }
}
