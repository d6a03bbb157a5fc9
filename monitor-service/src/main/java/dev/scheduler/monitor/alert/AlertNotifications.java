package dev.scheduler.monitor.alert;

import dev.scheduler.monitor.alert.Alerts.Fired;
import dev.scheduler.monitor.notify.Channels;
import dev.scheduler.monitor.notify.Deliveries;
import dev.scheduler.monitor.notify.Notice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Decides whether an alert is told, and hands it to its rule's channels (and, when the rule says
 * so, to the job's owner and alert contacts): a new alert always; a repeat only while it is FIRING
 * (not acknowledged) and once its rule's silence has passed since the last notification, so that a
 * failing job is reported once, with a count, not at every failure. Sending happens on the
 * deliveries' own threads: evaluation never waits on a channel.
 */
@Component
public class AlertNotifications {

  private final Deliveries deliveries;
  private final Alerts alerts;
  private final JobContacts contacts;
  private final Channels channels;
  private final Clock clock;

  public AlertNotifications(
      Deliveries deliveries, Alerts alerts, JobContacts contacts, Channels channels, Clock clock) {
    this.deliveries = deliveries;
    this.alerts = alerts;
    this.contacts = contacts;
    this.channels = channels;
    this.clock = clock;
  }

  /** Sends {@code fired} to the rule's channels if it is due to be told. */
  public void consider(AlertRule rule, Fired fired, Instant now) {
    Alert alert = fired.alert();
    boolean toContacts = rule.notifyOwner() && alert.jobId() != null;
    if (rule.channelIds().isEmpty() && !toContacts) {
      return;
    }
    Duration silence = fired.opened() ? Duration.ZERO : rule.silence();
    if (!alerts.claimNotification(alert.id(), silence, now)) {
      return;
    }
    Notice notice = Notice.of(alerts.get(alert.id()), rule.name());
    Consumer<Deliveries.Outcome> record =
        outcome -> alerts.notified(alert.id(), outcome.ok(), outcome.describe(), clock.instant());
    Set<Long> targets = new LinkedHashSet<>(rule.channelIds());
    if (toContacts) {
      JobContacts.Contacts job = contacts.of(alert.jobId());
      job.channels().forEach(name -> channels.byName(name).ifPresent(c -> targets.add(c.id())));
      if (!job.emails().isEmpty()) {
        deliveries.email(job.emails(), notice, record);
      }
    }
    for (long channel : targets) {
      deliveries.send(channel, notice, record);
    }
  }
}
