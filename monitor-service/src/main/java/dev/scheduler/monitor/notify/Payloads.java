package dev.scheduler.monitor.notify;

import dev.scheduler.contracts.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HTTP request each webhook channel expects for a notice, in its own format and with the
 * signature it checks. Pure: the time is given, so tests can assert exact bytes.
 */
public final class Payloads {

  /**
   * Header of a generic webhook's signature: {@code v1=<hex HMAC-SHA256(secret, ts + "." + body)>}.
   */
  public static final String SIGNATURE_HEADER = "X-Scheduler-Signature";

  /** Header of a generic webhook's signing time, in epoch seconds. */
  public static final String TIMESTAMP_HEADER = "X-Scheduler-Timestamp";

  private Payloads() {}

  /** One HTTP POST of JSON. */
  public record Outgoing(URI uri, Map<String, String> headers, String body) {}

  public static Outgoing of(Channel channel, Notice notice, Instant now) {
    return switch (channel.type()) {
      case WEBHOOK -> webhook(channel, notice, now);
      case DINGTALK -> dingTalk(channel, notice, now);
      case FEISHU -> feishu(channel, notice, now);
      case WECOM ->
          json(
              channel.url(),
              Map.of("msgtype", "markdown", "markdown", Map.of("content", notice.markdown())));
      case SLACK -> json(channel.url(), Map.of("text", slack(notice)));
      case EMAIL -> throw new IllegalArgumentException("e-mail is not sent over HTTP");
    };
  }

  private static Outgoing webhook(Channel channel, Notice notice, Instant now) {
    String body = Json.toJson(notice);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    if (channel.secret() != null) {
      String timestamp = Long.toString(now.getEpochSecond());
      byte[] mac =
          hmac(
              channel.secret().getBytes(StandardCharsets.UTF_8),
              (timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      headers.put(TIMESTAMP_HEADER, timestamp);
      headers.put(SIGNATURE_HEADER, "v1=" + HexFormat.of().formatHex(mac));
    }
    return new Outgoing(URI.create(channel.url()), headers, body);
  }

  /**
   * DingTalk: with a secret, {@code timestamp} (ms) and {@code sign} = URL-encoded Base64 of
   * HMAC-SHA256(key = secret, data = timestamp + "\n" + secret) are added to the URL.
   */
  private static Outgoing dingTalk(Channel channel, Notice notice, Instant now) {
    String url = channel.url();
    if (channel.secret() != null) {
      String timestamp = Long.toString(now.toEpochMilli());
      String sign =
          Base64.getEncoder()
              .encodeToString(
                  hmac(
                      channel.secret().getBytes(StandardCharsets.UTF_8),
                      (timestamp + "\n" + channel.secret()).getBytes(StandardCharsets.UTF_8)));
      url +=
          (url.contains("?") ? "&" : "?")
              + "timestamp="
              + timestamp
              + "&sign="
              + URLEncoder.encode(sign, StandardCharsets.UTF_8);
    }
    return json(
        url,
        Map.of(
            "msgtype",
            "markdown",
            "markdown",
            Map.of(
                "title",
                "[" + notice.severity() + "] " + notice.title(),
                "text",
                notice.markdown())));
  }

  /**
   * Feishu/Lark: with a secret, {@code timestamp} (s) and {@code sign} = Base64 of HMAC-SHA256(key
   * = timestamp + "\n" + secret, data = nothing) go in the body.
   */
  private static Outgoing feishu(Channel channel, Notice notice, Instant now) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (channel.secret() != null) {
      String timestamp = Long.toString(now.getEpochSecond());
      body.put("timestamp", timestamp);
      body.put(
          "sign",
          Base64.getEncoder()
              .encodeToString(
                  hmac(
                      (timestamp + "\n" + channel.secret()).getBytes(StandardCharsets.UTF_8),
                      new byte[0])));
    }
    body.put("msg_type", "text");
    body.put("content", Map.of("text", notice.text()));
    return json(channel.url(), body);
  }

  private static String slack(Notice notice) {
    return "*[" + notice.severity() + "] " + notice.title() + "*\n" + notice.text();
  }

  private static Outgoing json(String url, Map<String, ?> body) {
    return new Outgoing(
        URI.create(url), Map.of("Content-Type", "application/json"), Json.toJson(body));
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
