package dev.scheduler.execution;

import dev.scheduler.contracts.FieldViolation;
import dev.scheduler.support.PageResponse;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A filtered page of one table: the count and the page read with the same conditions. */
public final class PagedQuery {

  private final StringBuilder where = new StringBuilder(" WHERE 1 = 1");
  private final List<Object> params = new ArrayList<>();

  /**
   * Adds {@code clause} (with one {@code ?}) when {@code value} is given; a null filters nothing.
   */
  public PagedQuery and(String clause, Object value) {
    if (value != null) {
      where.append(' ').append(clause);
      params.add(value);
    }
    return this;
  }

  /** Page {@code page} (from 0) of {@code size} rows of {@code table} in {@code orderBy} order. */
  public <T> PageResponse<T> page(
      JdbcClient jdbc, String table, String orderBy, int page, int size, RowMapper<T> rows) {
    long total =
        jdbc.sql("SELECT COUNT(*) FROM " + table + where).params(params).query(Long.class).single();
    List<Object> pageParams = new ArrayList<>(params);
    pageParams.add(size);
    pageParams.add((long) page * size);
    List<T> items =
        jdbc.sql("SELECT * FROM " + table + where + " ORDER BY " + orderBy + " LIMIT ? OFFSET ?")
            .params(pageParams)
            .query(rows)
            .list();
    return PageResponse.of(items, page, size, total);
  }

  /** Adds the violations of a page request: page from 0, size from 1 to {@code maxSize}. */
  public static void checkPaging(int page, int size, int maxSize, List<FieldViolation> violations) {
    if (page < 0) {
      violations.add(new FieldViolation("page", "must be 0 or more"));
    }
    if (size < 1 || size > maxSize) {
      violations.add(new FieldViolation("size", "must be between 1 and " + maxSize));
    }
  }
}
