package dev.scheduler.support;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items the entries of this page
 * @param page 0-based index of this page
 * @param size the page size asked for
 * @param totalItems entries over all pages; when not {@code totalExact}, at least this many
 * @param totalPages number of pages (of {@code totalItems})
 * @param totalExact false when counting stopped at a bound: there are more than {@code totalItems}
 */
public record PageResponse<T>(
    List<T> items, int page, int size, long totalItems, long totalPages, boolean totalExact) {

  public static <T> PageResponse<T> of(List<T> items, int page, int size, long totalItems) {
    return of(items, page, size, totalItems, true);
  }

  public static <T> PageResponse<T> of(
      List<T> items, int page, int size, long totalItems, boolean totalExact) {
    return new PageResponse<>(
        items, page, size, totalItems, (totalItems + size - 1) / size, totalExact);
  }
}
