package dev.scheduler.monitor.alert;

import dev.scheduler.support.Caller;
import jakarta.servlet.http.HttpServletRequest;
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

/** Alert rules: create, read, update with their version, delete. */
@RestController
@RequestMapping("/api/v1/alert-rules")
public class AlertRulesResource {

  private final AlertRules rules;

  public AlertRulesResource(AlertRules rules) {
    this.rules = rules;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public AlertRule create(@RequestBody AlertRuleRequest request, HttpServletRequest http) {
    return rules.create(request, Caller.of(http));
  }

  @GetMapping
  public List<AlertRule> list() {
    return rules.list();
  }

  @GetMapping("/{id}")
  public AlertRule get(@PathVariable long id) {
    return rules.get(id);
  }

  @PutMapping("/{id}")
  public AlertRule update(
      @PathVariable long id, @RequestBody AlertRuleRequest request, HttpServletRequest http) {
    return rules.update(id, request, Caller.of(http));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void delete(@PathVariable long id) {
    rules.delete(id);
  }
}
