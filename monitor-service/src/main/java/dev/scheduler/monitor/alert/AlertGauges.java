package dev.scheduler.monitor.alert;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** {@code scheduler_alerts_open{severity}}: alerts FIRING or ACKNOWLEDGED, read at each scrape. */
@Component
public class AlertGauges {

  public AlertGauges(Alerts alerts, MeterRegistry meters) {
    for (Severity severity : Severity.values()) {
      Gauge.builder("scheduler.alerts.open", alerts, a -> a.open(severity))
          .description("alerts not resolved yet (firing or acknowledged)")
          .tag("severity", severity.name())
          .register(meters);
    }
  }
}
