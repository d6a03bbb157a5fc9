package dev.scheduler.agent.run;

import dev.scheduler.agent.AgentProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/**
 * The agent's calls to execution-service (heartbeats, leases): JSON over HTTP with the agent token,
 * to the first instance that answers. The JDK's plain {@code HttpURLConnection} (keep-alive
 * included), not {@code java.net.http.HttpClient}: the latter loads the JDK's trust store and keeps
 * a selector thread from its creation, for a few requests a second to a plain-HTTP address in most
 * deployments.
 */
public class RegistryHttp {

  public static final String TOKEN_HEADER = "X-Scheduler-Agent-Token";

  /** Most of an answer read: the largest, a heartbeat's, names at most a few thousand leases. */
  private static final int MAX_ANSWER_BYTES = 1 << 20;

  /**
   * What an instance answered.
   *
   * @param status the HTTP status
   * @param body the response body, empty when there was none
   * @param from the instance's base URL
   */
  public record Answer(int status, byte[] body, URI from) {
    public boolean ok() {
      return status / 100 == 2;
    }
  }

  /** No instance of execution-service answered with success. */
  public static class UnavailableException extends Exception {
    UnavailableException(String message) {
      super(message);
    }
  }

  private final Supplier<List<URI>> instances;
  private final AgentProperties.Registry settings;

  /**
   * @param instances base URLs of execution-service, tried in order
   */
  public RegistryHttp(Supplier<List<URI>> instances, AgentProperties.Registry settings) {
    this.instances = instances;
    this.settings = settings;
  }

  /**
   * Sends {@code body} ({@code null}: none) to {@code path} of the instances in turn, until one
   * answers 2xx; an instance that answers 4xx is the answer as well (another would say the same).
   *
   * @throws UnavailableException when none answered so, with what each did
   */
  public Answer call(String method, String path, byte[] body) throws UnavailableException {
    StringBuilder failures = new StringBuilder();
    List<URI> bases = instances.get();
    for (URI base : bases) {
      try {
        Answer answer = once(method, base, path, body);
        if (answer.ok() || answer.status() / 100 == 4) {
          return answer;
        }
        failures.append(base).append(" answered ").append(answer.status()).append("; ");
      } catch (IOException | RuntimeException e) {
        failures.append(base).append(": ").append(e).append("; ");
      }
    }
    throw new UnavailableException(
        bases.isEmpty() ? "no execution-service instance known" : failures.toString());
  }

  private Answer once(String method, URI base, String path, byte[] body) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
    int timeout = (int) settings.timeout().toMillis();
    connection.setConnectTimeout(timeout);
    connection.setReadTimeout(timeout);
    connection.setRequestMethod(method);
    connection.setInstanceFollowRedirects(false);
    if (settings.token() != null) {
      connection.setRequestProperty(TOKEN_HEADER, settings.token());
    }
    if (body != null) {
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      connection.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body);
      }
    }
    int status = connection.getResponseCode();
    // Read to the end, so that the connection goes back to the keep-alive pool.
    byte[] answer = new byte[0];
    try (InputStream in =
        status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
      if (in != null) {
        answer = in.readNBytes(MAX_ANSWER_BYTES);
      }
    }
    return new Answer(status, answer, base);
  }
}
