package dev.scheduler.monitor.notify;

import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.ProblemCode;
import dev.scheduler.support.ApiException;
import dev.scheduler.support.Violations;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The notification channels in {@code scheduler_notification_channel}; each type's settings (URL,
 * secret, recipients) are kept as JSON in {@code config}. Secrets are needed to sign and so are
 * stored as given; the API never shows them.
 */
@Component
public class Channels {

  static final int MAX_NAME = 128;
  static final int MAX_URL = 1_024;
  static final int MAX_SECRET = 256;
  static final int MAX_RECIPIENTS = 50;
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");

  private final JdbcClient jdbc;
  private final Clock clock;

  public Channels(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public List<Channel> list() {
    return jdbc.sql("SELECT * FROM scheduler_notification_channel ORDER BY id")
        .query(Channels::channel)
        .list();
  }

  public Channel get(long id) {
    return jdbc.sql("SELECT * FROM scheduler_notification_channel WHERE id = ?")
        .param(id)
        .query(Channels::channel)
        .optional()
        .orElseThrow(() -> ApiException.notFound("notification channel " + id));
  }

  /** The channel named {@code name}, if any. */
  public java.util.Optional<Channel> byName(String name) {
    return jdbc.sql("SELECT * FROM scheduler_notification_channel WHERE name = ?")
        .param(name)
        .query(Channels::channel)
        .optional();
  }

  @Transactional
  public Channel create(ChannelRequest request) {
    Channel c = validate(request, false, null);
    Instant now = clock.instant();
    KeyHolder key = new GeneratedKeyHolder();
    try {
      jdbc.sql(
              "INSERT INTO scheduler_notification_channel (name, channel_type, config, enabled,"
                  + " rate_limit_per_minute, version, created_at, updated_at)"
                  + " VALUES (?, ?, ?, ?, ?, 0, ?, ?)")
          .params(
              c.name(),
              c.type().name(),
              config(c),
              c.enabled(),
              c.ratePerMinute(),
              Timestamp.from(now),
              Timestamp.from(now))
          .update(key, "id");
    } catch (DuplicateKeyException e) {
      throw nameTaken(c.name());
    }
    return get(key.getKey().longValue());
  }

  @Transactional
  public Channel update(long id, ChannelRequest request) {
    Channel before = get(id);
    Channel c = validate(request, true, before);
    int changed;
    try {
      changed =
          jdbc.sql(
                  "UPDATE scheduler_notification_channel SET name = ?, channel_type = ?, config = ?,"
                      + " enabled = ?, rate_limit_per_minute = ?, version = version + 1,"
                      + " updated_at = ? WHERE id = ? AND version = ?")
              .params(
                  c.name(),
                  c.type().name(),
                  config(c),
                  c.enabled(),
                  c.ratePerMinute(),
                  Timestamp.from(clock.instant()),
                  id,
                  request.version())
              .update();
    } catch (DuplicateKeyException e) {
      throw nameTaken(c.name());
    }
    if (changed == 0) {
      throw new ApiException(
          ProblemCode.VERSION_CONFLICT,
          "notification channel " + id + " changed since version " + request.version());
    }
    return get(id);
  }

  @Transactional
  public void delete(long id) {
    get(id);
    jdbc.sql("DELETE FROM scheduler_notification_channel WHERE id = ?").param(id).update();
  }

  /**
   * The channel a request describes. An update without a secret keeps the stored one (the API never
   * shows it back, so a client cannot resend it).
   */
  private static Channel validate(ChannelRequest r, boolean update, Channel before) {
    Violations v = new Violations();
    v.require(
        !update || r.version() != null,
        "version",
        "is required: the version the update is based on");
    v.require(r.name() != null && !r.name().isBlank(), "name", "is required");
    v.bounded(r.name(), "name", MAX_NAME);
    ChannelType type = v.oneOf(ChannelType.class, r.type(), "type", null);
    int rate = v.between(r.ratePerMinute(), "ratePerMinute", 1, 10_000, 30);
    List<String> recipients = r.recipients() == null ? List.of() : List.copyOf(r.recipients());
    String secret = r.secret() != null ? r.secret() : (before != null ? before.secret() : null);
    if (type == ChannelType.EMAIL) {
      v.require(r.url() == null, "url", "does not apply to EMAIL channels");
      v.require(r.secret() == null, "secret", "does not apply to EMAIL channels");
      v.require(!recipients.isEmpty(), "recipients", "is required: at least one address");
      v.require(
          recipients.size() <= MAX_RECIPIENTS, "recipients", "must be at most " + MAX_RECIPIENTS);
      for (int i = 0; i < recipients.size(); i++) {
        String address = recipients.get(i);
        v.require(
            address != null && EMAIL.matcher(address).matches(),
            "recipients[" + i + "]",
            "is not an e-mail address");
      }
      secret = null;
    } else if (type != null) {
      v.require(r.recipients() == null, "recipients", "only applies to EMAIL channels");
      v.require(
          validUrl(r.url()),
          "url",
          "is required: an http or https URL of at most " + MAX_URL + " characters");
      boolean signs =
          type == ChannelType.WEBHOOK || type == ChannelType.DINGTALK || type == ChannelType.FEISHU;
      v.require(r.secret() == null || signs, "secret", type + " webhooks are not signed");
      v.bounded(r.secret(), "secret", MAX_SECRET);
      if (!signs) {
        secret = null;
      }
    }
    v.throwIfAny();
    return new Channel(
        0,
        r.name().trim(),
        type,
        type == ChannelType.EMAIL ? null : r.url(),
        secret,
        recipients,
        !Boolean.FALSE.equals(r.enabled()),
        rate,
        0,
        null,
        null);
  }

  private static boolean validUrl(String url) {
    if (url == null || url.length() > MAX_URL) {
      return false;
    }
    try {
      URI uri = URI.create(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static ApiException nameTaken(String name) {
    return new ApiException(
        ProblemCode.ALREADY_EXISTS, "a notification channel named '" + name + "' exists");
  }

  private static String config(Channel c) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("url", c.url());
    config.put("secret", c.secret());
    config.put("recipients", c.recipients());
    return Json.toJson(config);
  }

  @SuppressWarnings("unchecked")
  private static Channel channel(ResultSet rs, int n) throws SQLException {
    Map<String, Object> config = Json.fromJson(rs.getString("config"), Map.class);
    List<String> recipients = (List<String>) config.getOrDefault("recipients", List.of());
    return new Channel(
        rs.getLong("id"),
        rs.getString("name"),
        ChannelType.valueOf(rs.getString("channel_type")),
        (String) config.get("url"),
        (String) config.get("secret"),
        recipients == null ? List.of() : recipients,
        rs.getBoolean("enabled"),
        rs.getInt("rate_limit_per_minute"),
        rs.getLong("version"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }
}
