package dev.scheduler.monitor.notify;

import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Notification channels: create, read, update with their version, delete, and a test send. */
@RestController
@RequestMapping("/api/v1/notification-channels")
public class ChannelsResource {

  private final Channels channels;
  private final Deliveries deliveries;
  private final Clock clock;

  public ChannelsResource(Channels channels, Deliveries deliveries, Clock clock) {
    this.channels = channels;
    this.deliveries = deliveries;
    this.clock = clock;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public Channel.View create(@RequestBody ChannelRequest request) {
    return channels.create(request).view();
  }

  @GetMapping
  public List<Channel.View> list() {
    return channels.list().stream().map(Channel::view).toList();
  }

  @GetMapping("/{id}")
  public Channel.View get(@PathVariable long id) {
    return channels.get(id).view();
  }

  @PutMapping("/{id}")
  public Channel.View update(@PathVariable long id, @RequestBody ChannelRequest request) {
    return channels.update(id, request).view();
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void delete(@PathVariable long id) {
    channels.delete(id);
  }

  /** Sends a test notice now and says whether the channel took it (its settings work). */
  @PostMapping("/{id}/test")
  public Deliveries.Outcome test(@PathVariable long id) {
    Channel channel = channels.get(id);
    return deliveries.deliver(
        id,
        new Notice(
            0,
            "test",
            "INFO",
            "FIRING",
            "test notification from the scheduler",
            "channel " + channel.name() + " works",
            "channel:" + id,
            1,
            clock.instant(),
            clock.instant()));
  }
}
