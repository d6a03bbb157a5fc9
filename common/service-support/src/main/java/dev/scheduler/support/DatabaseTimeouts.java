package dev.scheduler.support;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Locale;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Bounds how long a stalled MySQL or MariaDB server can hold a service's thread: a connection that
 * cannot be made in {@link #CONNECT}, or a read that waits {@link #SOCKET} for the server (a
 * restarting server, a network cut that drops packets instead of refusing), fails instead of
 * waiting forever, as the drivers otherwise do. Statements and transactions are bounded as well,
 * more tightly, by {@code spring.transaction.default-timeout} and {@code
 * spring.jdbc.template.query-timeout}, which the server itself enforces while it answers. Settings
 * already in the URL or the pool's data source properties win. Other databases (the local stack's
 * H2) are left alone: they refuse settings they do not know.
 */
class DatabaseTimeouts implements BeanPostProcessor {

  static final Duration CONNECT = Duration.ofSeconds(5);
  static final Duration SOCKET = Duration.ofSeconds(60);

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof HikariDataSource pool && bounded(pool.getJdbcUrl())) {
      setUnlessGiven(pool, "connectTimeout", CONNECT);
      setUnlessGiven(pool, "socketTimeout", SOCKET);
    }
    return bean;
  }

  private static boolean bounded(String url) {
    return url != null && (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:"));
  }

  private static void setUnlessGiven(HikariDataSource pool, String name, Duration value) {
    String url = pool.getJdbcUrl().toLowerCase(Locale.ROOT);
    if (url.contains(name.toLowerCase(Locale.ROOT) + "=")
        || pool.getDataSourceProperties().containsKey(name)) {
      return;
    }
    pool.addDataSourceProperty(name, Long.toString(value.toMillis()));
  }
}
