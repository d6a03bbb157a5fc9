package dev.scheduler.monitor.alert;

import static dev.scheduler.monitor.MonitorEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.contracts.RetryPolicy;
import dev.scheduler.monitor.HttpRecorder;
import dev.scheduler.monitor.MonitorEvents;
import dev.scheduler.monitor.TestRules;
import dev.scheduler.monitor.ingest.MonitorConsumers;
import dev.scheduler.monitor.notify.ChannelRequest;
import dev.scheduler.monitor.notify.Channels;
import dev.scheduler.testkit.FreePorts;
import dev.scheduler.testkit.RealServers;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A rule that tells the job's owner and alert contacts: their e-mail addresses get an e-mail
 * through a real SMTP server, a {@code channel:<name>} contact gets that channel, and a contact
 * that is neither is left out; the job's contacts come from job-service.
 */
@SpringBootTest(
    properties = {
      "scheduler.monitor.group-suffix=-owner-test",
      "scheduler.monitor.notify.initial-backoff=1ms"
    })
@RealServers(redis = false)
// closed after the class: a live context would go on consuming the shared topics
@DirtiesContext
class OwnerNotificationTest {

  private static final HttpRecorder OUTSIDE = new HttpRecorder();
  private static final GreenMail SMTP =
      new GreenMail(new ServerSetup(FreePorts.any(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  static {
    SMTP.start();
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("scheduler.monitor.job-service-url", () -> OUTSIDE.url(""));
    registry.add("spring.mail.host", () -> "127.0.0.1");
    registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
  }

  @AfterAll
  static void stop() {
    OUTSIDE.close();
    SMTP.stop();
  }

  @Autowired AlertEngine engine;
  @Autowired AlertRules rules;
  @Autowired Channels channels;

  @Test
  void the_jobs_owner_and_contacts_are_told_by_email_and_by_their_channel() throws Exception {
    OUTSIDE.answer(
        "/api/v1/jobs/77",
        "{\"id\":77,\"owner\":\"alice@example.com\","
            + "\"alertContacts\":[\"channel:team-hook\",\"oncall@example.com\",\"bob\"]}");
    channels.create(
        new ChannelRequest(
            "team-hook", "WEBHOOK", OUTSIDE.url("/team"), null, null, null, null, null));
    rules.create(TestRules.toOwner("owner-told", "EXECUTION_FAILED", 77), TestRules.ADMIN);

    FireEvent fire =
        MonitorEvents.fire("billing", 77, Instant.parse("2026-11-25T10:00:00Z"), RetryPolicy.NONE);
    engine.onExecutions(
        new MonitorConsumers.ExecutionEvents(
            List.of(
                event(
                    fire,
                    ExecutionEventType.FAILED,
                    1,
                    fire.scheduledTime().plusSeconds(2),
                    fire.scheduledTime()))));

    await().atMost(Duration.ofSeconds(20)).until(() -> SMTP.getReceivedMessages().length == 2);
    MimeMessage mail = SMTP.getReceivedMessages()[0];
    assertThat(mail.getSubject()).isEqualTo("[WARNING] job 77 failed");
    assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString))
        .containsExactlyInAnyOrder("alice@example.com", "oncall@example.com");
    await().atMost(Duration.ofSeconds(20)).until(() -> OUTSIDE.at("/team").size() == 1);
    assertThat(OUTSIDE.at("/team").get(0).body()).contains("\"title\":\"job 77 failed\"");
  }
}
