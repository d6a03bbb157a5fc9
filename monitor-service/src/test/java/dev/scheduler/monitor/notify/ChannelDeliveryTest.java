package dev.scheduler.monitor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.scheduler.contracts.Json;
import dev.scheduler.monitor.HttpRecorder;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.RealServers;
import dev.scheduler.testkit.SettableClock;
import jakarta.mail.internet.MimeMessage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Each channel type's test send against local servers standing for the real ones: the exact payload
 * and signature each webhook expects, a robot's error answer taken as a failure, the per-channel
 * rate, and e-mail through a real SMTP server.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "scheduler.monitor.group-suffix=-channels-test",
      "scheduler.monitor.notify.initial-backoff=1ms",
      "scheduler.monitor.notify.mail-from=scheduler@example.com"
    })
@RealServers(redis = false)
// closed after the class: a live context would go on consuming the shared topics
@DirtiesContext
class ChannelDeliveryTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:15:00.250Z");
  private static final String MILLIS = Long.toString(NOW.toEpochMilli());
  private static final String SECONDS = Long.toString(NOW.getEpochSecond());
  private static final String SECRET = "SEC-robot-secret";
  private static final HttpRecorder ROBOTS = new HttpRecorder();
  private static final GreenMail SMTP =
      new GreenMail(new ServerSetup(FreePorts.any(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  static {
    SMTP.start();
  }

  @TestConfiguration
  static class Clocks {
    @Bean
    SettableClock clock() {
      return new SettableClock(NOW);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.mail.host", () -> "127.0.0.1");
    registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
  }

  @AfterAll
  static void stop() {
    ROBOTS.close();
    SMTP.stop();
  }

  @Autowired TestRestTemplate http;

  @Test
  void dingtalk_gets_markdown_and_the_signed_timestamp_in_its_url() throws Exception {
    ROBOTS.answer("/dingtalk", "{\"errcode\":0,\"errmsg\":\"ok\"}");
    Map<?, ?> sent = test(channel("DINGTALK", "/dingtalk?access_token=t0k", SECRET));

    assertThat(sent.get("ok")).isEqualTo(true);
    HttpRecorder.Received request = ROBOTS.at("/dingtalk").get(0);
    Map<String, String> query = query(request.query());
    assertThat(query).containsEntry("access_token", "t0k").containsEntry("timestamp", MILLIS);
    String expected =
        Base64.getEncoder()
            .encodeToString(hmac(SECRET.getBytes(StandardCharsets.UTF_8), MILLIS + "\n" + SECRET));
    assertThat(query.get("sign")).isEqualTo(expected);
    Map<?, ?> body = Json.fromJson(request.body(), Map.class);
    assertThat(body.get("msgtype")).isEqualTo("markdown");
    assertThat(((Map<?, ?>) body.get("markdown")).get("title"))
        .isEqualTo("[INFO] test notification from the scheduler");
    assertThat((String) ((Map<?, ?>) body.get("markdown")).get("text")).startsWith("### [INFO]");
  }

  @Test
  void a_robot_answering_an_error_code_is_a_failed_send() {
    ROBOTS.answer("/dingtalk-bad", "{\"errcode\":310000,\"errmsg\":\"sign not match\"}");
    Map<?, ?> sent = test(channel("DINGTALK", "/dingtalk-bad", SECRET));

    assertThat(sent.get("ok")).isEqualTo(false);
    // The status only: what the far end says is not echoed to whoever set up the channel.
    assertThat((String) sent.get("describe"))
        .contains("3 tries")
        .contains("answered 200 with an error code in its body")
        .doesNotContain("sign not match");
    assertThat(ROBOTS.at("/dingtalk-bad")).hasSize(3);
  }

  @Test
  void a_webhook_inside_the_network_is_refused_when_connecting_and_nothing_is_sent() {
    // The tests allow 127.0.0.1 only (where the stand-in robots listen).
    String elsewhere = ROBOTS.url("/inside").replace("127.0.0.1", "127.0.0.2");
    for (String url : new String[] {elsewhere, "http://169.254.169.254/latest/meta-data/"}) {
      Map<String, Object> body = new HashMap<>();
      body.put("name", "inside-" + UUID.randomUUID());
      body.put("type", "WEBHOOK");
      body.put("url", url);
      Map<?, ?> sent = test(create(body));

      assertThat(sent.get("ok")).as(url).isEqualTo(false);
      assertThat((String) sent.get("describe"))
          .as(url)
          .contains("refused to connect to")
          .containsAnyOf("is a loopback address", "is a link-local address");
    }
    assertThat(ROBOTS.at("/inside")).isEmpty();
  }

  @Test
  void feishu_gets_text_with_the_signed_timestamp_in_its_body() throws Exception {
    ROBOTS.answer("/feishu", "{\"code\":0,\"msg\":\"success\"}");
    assertThat(test(channel("FEISHU", "/feishu", SECRET)).get("ok")).isEqualTo(true);

    Map<?, ?> body = Json.fromJson(ROBOTS.at("/feishu").get(0).body(), Map.class);
    assertThat(body.get("timestamp")).isEqualTo(SECONDS);
    assertThat(body.get("sign"))
        .isEqualTo(
            Base64.getEncoder()
                .encodeToString(
                    hmac((SECONDS + "\n" + SECRET).getBytes(StandardCharsets.UTF_8), "")));
    assertThat(body.get("msg_type")).isEqualTo("text");
    assertThat((String) ((Map<?, ?>) body.get("content")).get("text"))
        .startsWith("[INFO] test notification from the scheduler\n");
  }

  @Test
  void wecom_and_slack_get_their_own_formats() {
    assertThat(test(channel("WECOM", "/wecom", null)).get("ok")).isEqualTo(true);
    assertThat(test(channel("SLACK", "/slack", null)).get("ok")).isEqualTo(true);

    Map<?, ?> wecom = Json.fromJson(ROBOTS.at("/wecom").get(0).body(), Map.class);
    assertThat(wecom.get("msgtype")).isEqualTo("markdown");
    assertThat((String) ((Map<?, ?>) wecom.get("markdown")).get("content"))
        .startsWith("### [INFO]");
    Map<?, ?> slack = Json.fromJson(ROBOTS.at("/slack").get(0).body(), Map.class);
    assertThat((String) slack.get("text"))
        .startsWith("*[INFO] test notification from the scheduler*");
  }

  @Test
  void a_channel_sends_no_more_than_its_rate_per_minute() {
    long channel =
        create(
            Map.of(
                "name",
                "slow-" + UUID.randomUUID(),
                "type",
                "SLACK",
                "url",
                ROBOTS.url("/rate"),
                "ratePerMinute",
                1));

    assertThat(test(channel).get("ok")).isEqualTo(true);
    Map<?, ?> second = test(channel);
    assertThat(second.get("ok")).isEqualTo(false);
    assertThat((String) second.get("describe")).contains("over its 1 per minute");
    assertThat(ROBOTS.at("/rate")).hasSize(1);
  }

  @Test
  void email_goes_through_the_smtp_server_to_every_recipient() throws Exception {
    long channel =
        create(
            Map.of(
                "name",
                "mail-" + UUID.randomUUID(),
                "type",
                "EMAIL",
                "recipients",
                List.of("ops@example.com", "oncall@example.com")));

    assertThat(test(channel).get("ok")).isEqualTo(true);

    MimeMessage[] received = SMTP.getReceivedMessages();
    assertThat(received).hasSize(2); // one delivery per recipient
    assertThat(received[0].getSubject()).isEqualTo("[INFO] test notification from the scheduler");
    assertThat(received[0].getFrom()[0].toString()).isEqualTo("scheduler@example.com");
    assertThat(received[0].getContent().toString()).contains("rule: test");
  }

  @Test
  void the_api_never_shows_a_secret() {
    long channel = channel("WEBHOOK", "/hidden", "top-secret");
    String shown = http.getForObject("/api/v1/notification-channels/" + channel, String.class);
    assertThat(shown).contains("\"signed\":true").doesNotContain("top-secret");
  }

  // ---- helpers

  private long channel(String type, String path, String secret) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", type.toLowerCase() + "-" + UUID.randomUUID());
    body.put("type", type);
    body.put("url", ROBOTS.url(path));
    if (secret != null) {
      body.put("secret", secret);
    }
    return create(body);
  }

  private long create(Map<String, ?> body) {
    ResponseEntity<Map> created = post("/api/v1/notification-channels", body);
    assertThat(created.getStatusCode())
        .as(String.valueOf(created.getBody()))
        .isEqualTo(HttpStatus.CREATED);
    return ((Number) created.getBody().get("id")).longValue();
  }

  private Map<?, ?> test(long channel) {
    return post("/api/v1/notification-channels/" + channel + "/test", null).getBody();
  }

  private ResponseEntity<Map> post(String path, Object body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return http.exchange(
        path,
        HttpMethod.POST,
        new HttpEntity<>(body == null ? "" : Json.toJson(body), headers),
        Map.class);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    for (String pair : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return query;
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }
}
