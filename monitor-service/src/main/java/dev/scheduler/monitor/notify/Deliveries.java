package dev.scheduler.monitor.notify;

import dev.scheduler.contracts.Json;
import dev.scheduler.outbound.AddressPolicy;
import dev.scheduler.outbound.OutboundHttp;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Sends notices to channels on threads of its own, so that rule evaluation never waits on a
 * channel: each try of a channel is retried with exponential backoff (Resilience4j Retry), and each
 * channel is held to its notifications per minute (a Resilience4j RateLimiter; over the limit a
 * notice is dropped and that is recorded). The outcome of every send reaches the caller.
 */
@Component
public class Deliveries implements DisposableBean {

  /** How a send ended. */
  public record Outcome(boolean ok, String describe) {}

  private final Channels channels;
  private final NotifyProperties properties;
  private final ObjectProvider<JavaMailSender> mail;
  private final Clock clock;
  private final OutboundHttp http;
  private final ThreadPoolExecutor senders;
  private final Map<String, RateLimiter> limits = new ConcurrentHashMap<>();

  public Deliveries(
      Channels channels,
      NotifyProperties properties,
      ObjectProvider<JavaMailSender> mail,
      Clock clock) {
    this.channels = channels;
    this.properties = properties;
    this.mail = mail;
    this.clock = clock;
    this.http =
        new OutboundHttp(
            AddressPolicy.allowing(properties.allowedRanges()),
            properties.timeout(),
            properties.maxResponseBytes());
    this.senders =
        new ThreadPoolExecutor(
            properties.threads(),
            properties.threads(),
            1,
            TimeUnit.MINUTES,
            new ArrayBlockingQueue<>(properties.queue()),
            runnable -> {
              Thread thread = new Thread(runnable, "notify-sender");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Sends {@code notice} to channel {@code channelId} later; {@code done} learns the outcome. */
  public void send(long channelId, Notice notice, Consumer<Outcome> done) {
    try {
      senders.execute(() -> done.accept(deliver(channelId, notice)));
    } catch (RejectedExecutionException e) {
      done.accept(
          new Outcome(false, "not sent to channel " + channelId + ": the send queue is full"));
    }
  }

  /** E-mails {@code notice} to {@code addresses} later (a job's contacts), with retries. */
  public void email(List<String> addresses, Notice notice, Consumer<Outcome> done) {
    Channel contacts =
        new Channel(
            0,
            "job contacts",
            ChannelType.EMAIL,
            null,
            null,
            List.copyOf(addresses),
            true,
            60,
            0,
            null,
            null);
    try {
      senders.execute(() -> done.accept(withRetries(contacts, notice)));
    } catch (RejectedExecutionException e) {
      done.accept(new Outcome(false, "not sent to the job's contacts: the send queue is full"));
    }
  }

  /** Sends {@code notice} to channel {@code channelId} now, with retries, and says how it went. */
  public Outcome deliver(long channelId, Notice notice) {
    Channel channel;
    try {
      channel = channels.get(channelId);
    } catch (RuntimeException e) {
      return new Outcome(false, "channel " + channelId + " does not exist");
    }
    if (!channel.enabled()) {
      return new Outcome(false, "channel " + channel.name() + " is disabled");
    }
    if (!limiter(channel).acquirePermission()) {
      return new Outcome(
          false,
          "not sent to "
              + channel.name()
              + ": over its "
              + channel.ratePerMinute()
              + " per minute");
    }
    return withRetries(channel, notice);
  }

  private Outcome withRetries(Channel channel, Notice notice) {
    Retry retry =
        Retry.of(
            "channel-" + channel.id(),
            RetryConfig.custom()
                .maxAttempts(properties.attempts())
                .intervalFunction(
                    IntervalFunction.ofExponentialBackoff(
                        properties.initialBackoff().toMillis(), 2))
                .retryExceptions(Exception.class)
                .build());
    try {
      Retry.decorateCheckedRunnable(retry, () -> sendOnce(channel, notice)).run();
      return new Outcome(true, "sent to " + channel.name() + " (" + channel.type() + ")");
    } catch (Throwable e) {
      return new Outcome(
          false,
          "not sent to "
              + channel.name()
              + " after "
              + properties.attempts()
              + " tries: "
              + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
    }
  }

  private RateLimiter limiter(Channel channel) {
    // keyed with the limit, so that a changed limit takes effect
    return limits.computeIfAbsent(
        channel.id() + "/" + channel.ratePerMinute(),
        key ->
            RateLimiter.of(
                "channel-" + key,
                RateLimiterConfig.custom()
                    .limitForPeriod(channel.ratePerMinute())
                    .limitRefreshPeriod(Duration.ofMinutes(1))
                    .timeoutDuration(Duration.ZERO)
                    .build()));
  }

  private void sendOnce(Channel channel, Notice notice) throws Exception {
    if (channel.type() == ChannelType.EMAIL) {
      email(channel, notice);
      return;
    }
    Payloads.Outgoing outgoing = Payloads.of(channel, notice, clock.instant());
    OutboundHttp.Response response =
        http.send(
            "POST", outgoing.uri(), outgoing.headers(), outgoing.body(), properties.timeout());
    // The status only: what the far end answered is not shown to whoever set the channel up (it
    // could be an internal page the webhook was pointed at).
    if (!accepted(response.status(), response.body())) {
      throw new IllegalStateException(
          "answered "
              + response.status()
              + (response.status() / 100 == 2 ? " with an error code in its body" : ""));
    }
  }

  /**
   * Whether the channel took the message: a 2xx status, and for the chat robots, which answer 200
   * to errors, no error code in the body ({@code errcode} of DingTalk and WeCom, {@code code} or
   * {@code StatusCode} of Feishu).
   */
  static boolean accepted(int status, String body) {
    if (status < 200 || status >= 300) {
      return false;
    }
    if (body == null || !body.trim().startsWith("{")) {
      return true;
    }
    try {
      Map<?, ?> answer = Json.fromJson(body, Map.class);
      for (String code : new String[] {"errcode", "code", "StatusCode"}) {
        Object value = answer.get(code);
        if (value instanceof Number n && n.intValue() != 0) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return true;
    }
  }

  private void email(Channel channel, Notice notice) {
    JavaMailSender sender = mail.getIfAvailable();
    if (sender == null) {
      throw new IllegalStateException("no SMTP server is configured (spring.mail.host)");
    }
    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom(properties.mailFrom());
    message.setTo(channel.recipients().toArray(String[]::new));
    message.setSubject("[" + notice.severity() + "] " + notice.title());
    message.setText(notice.text());
    sender.send(message);
  }

  @Override
  public void destroy() throws IOException {
    senders.shutdownNow();
    http.close();
  }
}
