package dev.scheduler.monitor.notify;

import java.util.List;

/** A notification channel as a client sends it. */
public record ChannelRequest(
    String name,
    String type,
    String url,
    String secret,
    List<String> recipients,
    Boolean enabled,
    Integer ratePerMinute,
    Long version) {}
