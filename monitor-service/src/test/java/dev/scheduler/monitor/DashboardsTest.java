package dev.scheduler.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduler.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards and Prometheus rules in {@code deploy/} ask only for metrics the suite
 * registers: every {@code scheduler_*} series they query is derived from a meter built in the
 * sources (counters end in {@code _total}, timers give {@code _seconds_bucket/_count/_sum/_max}),
 * so a renamed meter or a typo in a dashboard fails here rather than as an empty panel.
 */
class DashboardsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern METER =
      Pattern.compile(
          "(FunctionCounter|Counter|Gauge|Timer)\\.builder\\(\\s*\"(scheduler\\.[a-z.]+)\"");
  private static final Pattern SERIES = Pattern.compile("\\bscheduler_[a-z_]+");

  @Test
  void every_dashboard_and_rule_queries_metrics_that_the_services_register() throws IOException {
    Set<String> registered = registered();
    List<String> queried = new ArrayList<>();
    try (Stream<Path> dashboards = Files.list(ROOT.resolve("deploy/grafana/dashboards"))) {
      for (Path dashboard : dashboards.toList()) {
        JsonNode json = Json.mapper().readTree(Files.readString(dashboard));
        assertThat(json.path("uid").asText()).as(dashboard + " has a uid").isNotBlank();
        assertThat(json.path("panels").size()).as(dashboard + " has panels").isPositive();
        json.findValues("expr").forEach(expr -> queried.addAll(series(expr.asText())));
        json.findValues("definition").forEach(query -> queried.addAll(series(query.asText())));
      }
    }
    queried.addAll(series(Files.readString(ROOT.resolve("deploy/prometheus/alerts.yml"))));

    assertThat(queried).isNotEmpty();
    assertThat(registered).isNotEmpty();
    assertThat(new TreeSet<>(queried)).allSatisfy(name -> assertThat(registered).contains(name));
  }

  private static List<String> series(String text) {
    List<String> found = new ArrayList<>();
    Matcher m = SERIES.matcher(text);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  /** The Prometheus series of every scheduler meter built in the main sources. */
  private static Set<String> registered() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(ROOT)) {
      sources
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/main/"))
          .filter(p -> !p.toString().contains("/target/"))
          .forEach(
              p -> {
                Matcher m = METER.matcher(read(p));
                while (m.find()) {
                  String base = m.group(2).replace('.', '_');
                  switch (m.group(1)) {
                    case "Counter", "FunctionCounter" -> names.add(base + "_total");
                    case "Gauge" -> names.add(base);
                    default ->
                        names.addAll(
                            List.of(
                                base + "_seconds_bucket",
                                base + "_seconds_count",
                                base + "_seconds_sum",
                                base + "_seconds_max"));
                  }
                }
              });
    }
    return names;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
