package dev.scheduler.agent.handler;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.scheduler.agent.AgentProperties;
import dev.scheduler.agent.JobContext;
import dev.scheduler.contracts.Json;
import dev.scheduler.outbound.AddressPolicy;
import dev.scheduler.outbound.OutboundHttp;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP job type: calls the endpoint a job's {@code jobData} describes, as JSON {@code
 * {"method": "POST", "url": "https://...", "headers": {...}, "body": "...", "expectedStatus": 200,
 * "timeout": "PT30S"}}. Only hosts on the allow-list are called, and only at addresses the policy
 * allows when the connection is made (see {@link AgentProperties.Http}), so that a job definition
 * cannot reach any address the business application can, by name or by rebinding a name.
 */
public class HttpJobType {

  /**
   * The request of an HTTP job.
   *
   * @param method GET, POST, PUT, PATCH or DELETE; GET when absent
   * @param url http or https URL
   * @param headers request headers
   * @param body request body, sent as is
   * @param expectedStatus the status that counts as success; any 2xx when absent
   * @param timeout how long to wait for the whole answer; 60 s when absent
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(
      String method,
      String url,
      Map<String, String> headers,
      String body,
      Integer expectedStatus,
      Duration timeout) {}

  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

  /** How long an HTTP job waits for its answer when its jobData names no timeout. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final List<String> allowedHosts;
  private final int maxResponseChars;
  private final AddressPolicy addresses;
  private final int maxResponseBytes;

  /** Made at the first HTTP job: a client keeps a connection pool. */
  private volatile OutboundHttp client;

  public HttpJobType(AgentProperties.Http properties) {
    this.allowedHosts =
        properties.allowedHosts().stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    this.maxResponseChars = properties.maxResponseChars();
    this.addresses = AddressPolicy.allowing(properties.allowedRanges());
    this.maxResponseBytes = properties.maxResponseBytes();
  }

  private OutboundHttp client() {
    OutboundHttp made = client;
    if (made == null) {
      synchronized (this) {
        made = client;
        if (made == null) {
          made = new OutboundHttp(addresses, Duration.ofSeconds(10), maxResponseBytes);
          client = made;
        }
      }
    }
    return made;
  }

  public Object run(JobContext context) throws Exception {
    Spec spec = parse(context.jobData());
    URI uri = URI.create(spec.url());
    String method = spec.method() == null ? "GET" : spec.method().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("HTTP job method must be one of " + METHODS);
    }
    context.log().info("{} {}", method, uri);
    OutboundHttp.Response response =
        client()
            .send(
                method,
                uri,
                spec.headers(),
                spec.body(),
                spec.timeout() == null ? DEFAULT_TIMEOUT : spec.timeout());
    int status = response.status();
    String body = response.body();
    String shown = body.length() > maxResponseChars ? body.substring(0, maxResponseChars) : body;
    context.log().info("answered {}{}", status, response.truncated() ? " (answer cut)" : "");
    boolean ok =
        spec.expectedStatus() == null
            ? status >= 200 && status < 300
            : status == spec.expectedStatus();
    if (!ok) {
      throw new IllegalStateException(
          "HTTP "
              + status
              + " from "
              + uri
              + (spec.expectedStatus() == null
                  ? " (expected 2xx)"
                  : " (expected " + spec.expectedStatus() + ")")
              + ": "
              + shown);
    }
    return status + " " + shown;
  }

  /** The job's request, refused before any connection when it is malformed or not allowed. */
  Spec parse(String jobData) {
    if (jobData == null || jobData.isBlank()) {
      throw new IllegalArgumentException("HTTP job has no jobData describing the request");
    }
    Spec spec = Json.fromJson(jobData, Spec.class);
    if (spec.url() == null) {
      throw new IllegalArgumentException("HTTP job's jobData has no url");
    }
    URI uri = URI.create(spec.url());
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("HTTP job url must be http or https: " + spec.url());
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (!allowed(host)) {
      throw new SecurityException(
          "host '"
              + host
              + "' is not in scheduler.agent.http.allowed-hosts "
              + allowedHosts
              + " of this application");
    }
    return spec;
  }

  private boolean allowed(String host) {
    for (String pattern : allowedHosts) {
      if (pattern.equals(host)
          || (pattern.startsWith("*.") && host.endsWith(pattern.substring(1)))) {
        return true;
      }
    }
    return false;
  }
}
