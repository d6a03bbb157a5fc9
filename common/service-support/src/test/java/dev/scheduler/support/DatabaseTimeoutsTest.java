package dev.scheduler.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

class DatabaseTimeoutsTest {

  private final DatabaseTimeouts timeouts = new DatabaseTimeouts();

  private static HikariDataSource pool(String url) {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(url);
    return pool;
  }

  @Test
  void a_mariadb_or_mysql_pool_gets_connect_and_socket_timeouts() {
    for (String url :
        new String[] {
          "jdbc:mariadb://db:3306/scheduler_job", "jdbc:mysql://db:3306/scheduler_job"
        }) {
      HikariDataSource pool = pool(url);

      timeouts.postProcessAfterInitialization(pool, "dataSource");

      assertThat(pool.getDataSourceProperties())
          .containsEntry("connectTimeout", "5000")
          .containsEntry("socketTimeout", "60000");
    }
  }

  @Test
  void timeouts_the_operator_set_win() {
    HikariDataSource inUrl = pool("jdbc:mariadb://db:3306/x?socketTimeout=120000");
    HikariDataSource inProperties = pool("jdbc:mariadb://db:3306/x");
    inProperties.addDataSourceProperty("connectTimeout", "1000");

    timeouts.postProcessAfterInitialization(inUrl, "dataSource");
    timeouts.postProcessAfterInitialization(inProperties, "dataSource");

    assertThat(inUrl.getDataSourceProperties()).doesNotContainKey("socketTimeout");
    assertThat(inProperties.getDataSourceProperties()).containsEntry("connectTimeout", "1000");
  }

  @Test
  void an_h2_pool_is_left_alone() {
    HikariDataSource pool = pool("jdbc:h2:file:./data/x;MODE=MySQL");

    timeouts.postProcessAfterInitialization(pool, "dataSource");

    assertThat(pool.getDataSourceProperties()).isEmpty();
  }
}
