package dev.scheduler.monitor.alert;

import dev.scheduler.monitor.InternalHttp;
import dev.scheduler.support.ServiceIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Who to tell about a job besides a rule's channels: its owner and alert contacts, as job-service
 * holds them, read through its API and kept for a minute. A contact that is an e-mail address gets
 * an e-mail; {@code channel:<name>} names a notification channel; anything else is not reachable
 * and is left out.
 */
@Component
public class JobContacts {

  private static final Logger log = LoggerFactory.getLogger(JobContacts.class);
  private static final Duration KEEP = Duration.ofMinutes(1);

  /** The reachable contacts of a job. */
  public record Contacts(List<String> emails, List<String> channels) {}

  private record Job(String owner, List<String> alertContacts) {}

  private record Kept(Contacts contacts, Instant until) {}

  private final RestClient http;
  private final Clock clock;
  private final Map<Long, Kept> kept = new ConcurrentHashMap<>();

  public JobContacts(
      @Value("${scheduler.monitor.job-service-url:http://127.0.0.1:8081}") String url,
      Clock clock,
      ServiceIdentity identity) {
    this.http = InternalHttp.client(url, identity.forService("job-service"));
    this.clock = clock;
  }

  /** The contacts of job {@code jobId}; none when job-service cannot say. */
  public Contacts of(long jobId) {
    Instant now = clock.instant();
    Kept hit = kept.get(jobId);
    if (hit != null && hit.until().isAfter(now)) {
      return hit.contacts();
    }
    Contacts contacts;
    try {
      Job job = http.get().uri("/api/v1/jobs/{id}", jobId).retrieve().body(Job.class);
      contacts = reachable(job);
    } catch (RuntimeException e) {
      log.warn("contacts of job {} not read: {}", jobId, e.toString());
      return new Contacts(List.of(), List.of());
    }
    kept.put(jobId, new Kept(contacts, now.plus(KEEP)));
    return contacts;
  }

  private static Contacts reachable(Job job) {
    List<String> emails = new ArrayList<>();
    List<String> channels = new ArrayList<>();
    List<String> all = new ArrayList<>();
    if (job.owner() != null) {
      all.add(job.owner());
    }
    if (job.alertContacts() != null) {
      all.addAll(job.alertContacts());
    }
    for (String contact : all) {
      String c = contact.trim();
      if (c.startsWith("channel:")) {
        channels.add(c.substring("channel:".length()).trim());
      } else if (c.matches("[^@\\s]{1,64}@[^@\\s]{1,255}")) {
        emails.add(c);
      }
    }
    return new Contacts(List.copyOf(emails), List.copyOf(channels));
  }
}
