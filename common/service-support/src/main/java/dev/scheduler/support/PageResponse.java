package dev.scheduler.support;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items the entries of this page
 * @param page 0-based index of this page
 * @param size the page size asked for
 * @param totalItems entries over all pages
 * @param totalPages number of pages
 */
public record PageResponse<T>(List<T> items, int page, int size, long totalItems, long totalPages) {

  public static <T> PageResponse<T> of(List<T> items, int page, int size, long totalItems) {
    return new PageResponse<>(items, page, size, totalItems, (totalItems + size - 1) / size);
  }
}
