package dev.scheduler.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * HTTP calls to URLs that users configure (HTTP jobs, webhooks), through Apache HttpClient: each
 * resolved address is checked against an {@link AddressPolicy} when the connection is made (not
 * when the URL was checked), no redirect is followed, no proxy or cookie is used, and the answer is
 * read up to a bound in bytes and in time.
 */
public final class OutboundHttp implements AutoCloseable {

  /**
   * What came back.
   *
   * @param status the HTTP status
   * @param body the body as UTF-8, at most the bound's bytes
   * @param truncated whether the body was longer than the bound (the rest was not read)
   */
  public record Response(int status, String body, boolean truncated) {}

  private final CloseableHttpClient client;
  private final int maxBytes;

  /**
   * @param policy the addresses that may be connected to
   * @param connectTimeout how long a connection may take to open
   * @param maxBytes how much of an answer's body is read
   */
  public OutboundHttp(AddressPolicy policy, Duration connectTimeout, int maxBytes) {
    this(policy, connectTimeout, maxBytes, SystemDefaultDnsResolver.INSTANCE);
  }

  OutboundHttp(AddressPolicy policy, Duration connectTimeout, int maxBytes, DnsResolver dns) {
    this.maxBytes = maxBytes;
    this.client =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDnsResolver(new GuardedDnsResolver(dns, policy))
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.of(connectTimeout))
                            .build())
                    .build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .build();
  }

  /**
   * Sends {@code method uri} with {@code headers} and {@code body} (none when null) and reads the
   * answer, all within {@code timeout}.
   *
   * @throws IOException when the address is refused (the message says why), the connection fails or
   *     the time runs out
   */
  public Response send(
      String method, URI uri, Map<String, String> headers, String body, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpUriRequestBase request = new HttpUriRequestBase(method.toUpperCase(Locale.ROOT), uri);
    request.setConfig(
        RequestConfig.custom()
            .setResponseTimeout(Timeout.of(timeout))
            .setConnectionRequestTimeout(Timeout.of(timeout))
            .build());
    if (headers != null) {
      headers.forEach(request::addHeader);
    }
    if (body != null) {
      // UTF-8 unless the Content-Type names another charset (HttpClient would take ISO-8859-1).
      String type = headers == null ? null : contentType(headers);
      ContentType content = type == null ? ContentType.TEXT_PLAIN : ContentType.parse(type);
      if (content.getCharset() == null) {
        content = content.withCharset(StandardCharsets.UTF_8);
      }
      request.setEntity(new StringEntity(body, content, false));
    }
    try (ClassicHttpResponse response = client.executeOpen(null, request, null)) {
      HttpEntity entity = response.getEntity();
      if (entity == null) {
        return new Response(response.getCode(), "", false);
      }
      try (InputStream in = entity.getContent()) {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        boolean truncated = false;
        int n;
        while ((n = in.read(chunk)) >= 0) {
          if (System.nanoTime() > deadline) {
            request.abort(); // a trickling answer: stop, without reading the rest
            throw new IOException("no whole answer from " + uri + " within " + timeout);
          }
          int room = maxBytes - read.size();
          if (n > room) {
            read.write(chunk, 0, room);
            truncated = true;
            request.abort(); // the rest is never read: the connection is dropped
            break;
          }
          read.write(chunk, 0, n);
        }
        return new Response(response.getCode(), read.toString(StandardCharsets.UTF_8), truncated);
      }
    }
  }

  private static String contentType(Map<String, String> headers) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
