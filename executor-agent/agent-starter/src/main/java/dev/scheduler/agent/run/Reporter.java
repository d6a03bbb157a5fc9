package dev.scheduler.agent.run;

import dev.scheduler.contracts.ConsumerGroups;
import dev.scheduler.contracts.EventSignatures;
import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.ExecutionEventType;
import dev.scheduler.contracts.Json;
import dev.scheduler.contracts.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends execution events to {@link Topics#EXECUTION} without making the handler wait: sends are
 * asynchronous, a failed send is retried with backoff (up to 30 s apart) until the broker takes it,
 * and the events of one execution go to one queue, so that they are stored in the order sent. While
 * the broker is away, events pile up to a bound; beyond it LOG events are dropped and counted,
 * outcome events never are. Each event is signed with the agent's credential ({@link
 * EventSignatures}): execution-service takes it only as from an agent of the execution's app.
 */
public class Reporter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Reporter.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  static final int MAX_PENDING = 10_000;

  private final DefaultMQProducer producer;
  private final byte[] signingKey;
  private final String keyId;
  private final ScheduledExecutorService retries;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong droppedLogEvents = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param credential the app's agent credential (or the shared agent token) the events are signed
   *     with; null sends them unsigned, which execution-service does not take
   */
  public Reporter(String nameServer, String app, String instanceName, String credential) {
    this.signingKey = credential == null ? null : EventSignatures.keyOf(credential);
    this.keyId = signingKey == null ? null : EventSignatures.keyId(signingKey);
    producer = new DefaultMQProducer(ConsumerGroups.agentProducer(app));
    producer.setNamesrvAddr(nameServer);
    producer.setInstanceName(instanceName);
    producer.setSendMsgTimeout(3_000);
    producer.setRetryTimesWhenSendAsyncFailed(0);
    retries =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("scheduler-agent-report-retry-"));
  }

  public void start() throws MQClientException {
    producer.start();
  }

  /**
   * Sends an event; the future completes when the broker stored it (after retries), or when the
   * event was dropped (LOG beyond the bound) or the reporter closed.
   */
  public CompletableFuture<Void> send(ExecutionEvent event) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (event.type() == ExecutionEventType.LOG && pending.get() >= MAX_PENDING) {
      droppedLogEvents.incrementAndGet();
      done.complete(null);
      return done;
    }
    pending.incrementAndGet();
    done.whenComplete((v, e) -> pending.decrementAndGet());
    byte[] body = Json.toBytes(event);
    Message message = new Message(Topics.EXECUTION, event.type().name(), event.executionId(), body);
    if (signingKey != null) {
      message.putUserProperty(EventSignatures.KEY_PROPERTY, keyId);
      message.putUserProperty(
          EventSignatures.SIGNATURE_PROPERTY, EventSignatures.sign(signingKey, body));
    }
    attempt(message, done, Duration.ofMillis(200));
    return done;
  }

  private void attempt(Message message, CompletableFuture<Void> done, Duration backoff) {
    if (closed) {
      done.complete(null);
      return;
    }
    try {
      producer.send(
          message,
          Reporter::queueOfExecution,
          message.getKeys(),
          new SendCallback() {
            @Override
            public void onSuccess(SendResult result) {
              done.complete(null);
            }

            @Override
            public void onException(Throwable e) {
              retryLater(message, done, backoff, e);
            }
          });
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      retryLater(message, done, backoff, e);
    }
  }

  private void retryLater(
      Message message, CompletableFuture<Void> done, Duration backoff, Throwable why) {
    if (closed) {
      log.warn(
          "execution event {} not sent before shutdown: {}", message.getKeys(), why.toString());
      done.complete(null);
      return;
    }
    log.debug(
        "execution event {} not sent, retrying in {}: {}",
        message.getKeys(),
        backoff,
        why.toString());
    Duration next =
        backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    retries.schedule(() -> attempt(message, done, next), backoff.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** All events of one execution go to one queue, so the broker keeps their order. */
  private static MessageQueue queueOfExecution(
      List<MessageQueue> queues, Message message, Object key) {
    return queues.get(Math.floorMod(key.hashCode(), queues.size()));
  }

  /** Events sent but not yet stored by the broker. */
  public int pending() {
    return pending.get();
  }

  /** LOG events dropped because too many events were waiting for the broker. */
  public long droppedLogEvents() {
    return droppedLogEvents.get();
  }

  /** Gives pending events up to {@code wait} to reach the broker, then stops. */
  public void close(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (pending.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
  }

  @Override
  public void close() {
    closed = true;
    retries.shutdownNow();
    producer.shutdown();
  }
}
