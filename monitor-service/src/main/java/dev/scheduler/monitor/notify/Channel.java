package dev.scheduler.monitor.notify;

import java.time.Instant;
import java.util.List;

/**
 * A notification channel.
 *
 * @param id its id
 * @param name unique name
 * @param type its kind
 * @param url the webhook (all but EMAIL)
 * @param secret the signing secret (WEBHOOK, DINGTALK, FEISHU), never shown back
 * @param recipients the addresses (EMAIL)
 * @param enabled whether it sends
 * @param ratePerMinute at most this many notifications a minute; more are dropped and recorded
 * @param version optimistic lock
 */
public record Channel(
    long id,
    String name,
    ChannelType type,
    String url,
    String secret,
    List<String> recipients,
    boolean enabled,
    int ratePerMinute,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  /** This channel as the API shows it: whether a secret is set, not the secret. */
  public View view() {
    return new View(
        id,
        name,
        type,
        url,
        secret != null,
        recipients,
        enabled,
        ratePerMinute,
        version,
        createdAt,
        updatedAt);
  }

  /** The API's form of a channel. */
  public record View(
      long id,
      String name,
      ChannelType type,
      String url,
      boolean signed,
      List<String> recipients,
      boolean enabled,
      int ratePerMinute,
      long version,
      Instant createdAt,
      Instant updatedAt) {}
}
