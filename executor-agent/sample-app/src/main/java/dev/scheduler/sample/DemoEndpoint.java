package dev.scheduler.sample;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The endpoint of the HTTP job example: an HTTP job of app {@code sample-app} with {@code jobData}
 * {@code {"method":"POST","url":"http://127.0.0.1:8090/demo/report","body":"{}"}} calls it (the
 * sample allows 127.0.0.1 and localhost in {@code scheduler.agent.http.allowed-hosts}).
 */
@RestController
public class DemoEndpoint {

  private final AtomicLong calls = new AtomicLong();

  @PostMapping("/demo/report")
  public Map<String, Object> report(@RequestBody(required = false) String body) {
    return Map.of(
        "report", "built", "call", calls.incrementAndGet(), "at", Instant.now().toString());
  }
}
