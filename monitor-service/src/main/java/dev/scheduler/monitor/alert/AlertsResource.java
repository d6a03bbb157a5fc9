package dev.scheduler.monitor.alert;

import dev.scheduler.monitor.alert.Alert.Status;
import dev.scheduler.support.Caller;
import dev.scheduler.support.PageResponse;
import dev.scheduler.support.Violations;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Alerts: the list (newest first), one with its steps, and acknowledging a firing one. */
@RestController
@RequestMapping("/api/v1/alerts")
public class AlertsResource {

  private final Alerts alerts;
  private final Clock clock;

  public AlertsResource(Alerts alerts, Clock clock) {
    this.alerts = alerts;
    this.clock = clock;
  }

  @GetMapping
  public PageResponse<Alert> list(
      @RequestParam(required = false) String status,
      @RequestParam(required = false) Long ruleId,
      @RequestParam(required = false) Integer page,
      @RequestParam(required = false) Integer size) {
    Violations v = new Violations();
    Status wanted = status == null ? null : v.oneOf(Status.class, status, "status", null);
    int p = v.between(page, "page", 0, 100_000, 0);
    int s = v.between(size, "size", 1, 200, 20);
    v.throwIfAny();
    return alerts.list(wanted, ruleId, p, s);
  }

  /** An alert with every step of its life. */
  public record Detail(Alert alert, List<Alert.Step> steps) {}

  @GetMapping("/{id}")
  public Detail get(@PathVariable long id) {
    return new Detail(alerts.get(id), alerts.steps(id));
  }

  /** What an operator may say when acknowledging or resolving. */
  public record Acknowledgement(String note) {}

  @PostMapping("/{id}/acknowledge")
  public Alert acknowledge(
      @PathVariable long id,
      @RequestBody(required = false) Acknowledgement body,
      HttpServletRequest http) {
    return alerts.acknowledge(id, Caller.of(http).name(), note(body), clock.instant());
  }

  /** Closes an open alert by hand (dead letters, or a condition the operator judges over). */
  @PostMapping("/{id}/resolve")
  public Alert resolve(
      @PathVariable long id,
      @RequestBody(required = false) Acknowledgement body,
      HttpServletRequest http) {
    return alerts.resolveById(id, Caller.of(http).name(), note(body), clock.instant());
  }

  private static String note(Acknowledgement body) {
    Violations v = new Violations();
    if (body != null) {
      v.bounded(body.note(), "note", 1_000);
    }
    v.throwIfAny();
    return body == null ? null : body.note();
  }
}
