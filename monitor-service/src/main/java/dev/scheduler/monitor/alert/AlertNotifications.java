package dev.scheduler.monitor.alert;

import dev.scheduler.monitor.alert.Alerts.Fired;
import dev.scheduler.monitor.notify.Deliveries;
import dev.scheduler.monitor.notify.Notice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Decides whether an alert is told, and hands it to its rule's channels: a new alert always; a
 * repeat only while it is FIRING (not acknowledged) and once its rule's silence has passed since
 * the last notification, so that a failing job is reported once, with a count, not at every
 * failure. Sending happens on the deliveries' own threads: evaluation never waits on a channel.
 */
@Component
public class AlertNotifications {

  private final Deliveries deliveries;
  private final Alerts alerts;
  private final Clock clock;

  public AlertNotifications(Deliveries deliveries, Alerts alerts, Clock clock) {
    this.deliveries = deliveries;
    this.alerts = alerts;
    this.clock = clock;
  }

  /** Sends {@code fired} to the rule's channels if it is due to be told. */
  public void consider(AlertRule rule, Fired fired, Instant now) {
    Alert alert = fired.alert();
    if (rule.channelIds().isEmpty()) {
      return;
    }
    Duration silence = fired.opened() ? Duration.ZERO : rule.silence();
    if (!alerts.claimNotification(alert.id(), silence, now)) {
      return;
    }
    Notice notice = Notice.of(alerts.get(alert.id()), rule.name());
    for (long channel : rule.channelIds()) {
      deliveries.send(
          channel,
          notice,
          outcome ->
              alerts.notified(alert.id(), outcome.ok(), outcome.describe(), clock.instant()));
    }
  }
}
