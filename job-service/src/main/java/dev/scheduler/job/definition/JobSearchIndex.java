package dev.scheduler.job.definition;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code scheduler_job_search_gram}: every run of four characters of a live job's name and tags, so
 * that a search by part of a name reads a few index entries instead of every job of the app. A scan
 * costs about 0.4 µs per job on MariaDB whatever the index (40 ms for 100,000 jobs); the grams make
 * a search with a distinctive part cost a few milliseconds. Written by hand because neither
 * database offers it: MariaDB's full-text index finds words and their prefixes, not any part of a
 * word, and H2 has no such index at all.
 *
 * <p>Grams are stored as 64-bit hashes of the text folded to lower case without accents, which is
 * what the MySQL/MariaDB collations compare as equal in the common cases; a collision or a gram
 * shared by name and tags only adds candidates, which the search then checks with {@code LIKE}.
 */
final class JobSearchIndex {

  /** Characters per gram; a shorter search text cannot use the index and scans. */
  static final int GRAM = 4;

  /**
   * A gram with at most this many jobs picks the candidates; when every gram of the text is
   * commoner, the text matches many jobs and the listing scans in order, stopping at its page.
   */
  static final int SELECTIVE = 1_000;

  /** How many grams of a text are weighed, spread over it: each costs up to an index range. */
  private static final int WEIGHED = 8;

  private final JdbcClient jdbc;
  private final int selective;

  JobSearchIndex(JdbcClient jdbc) {
    this(jdbc, SELECTIVE);
  }

  JobSearchIndex(JdbcClient jdbc, int selective) {
    this.jdbc = jdbc;
    this.selective = selective;
  }

  /** Replaces the grams of a job by those of its current name and tags. */
  void put(long jobId, String name, List<String> tags) {
    remove(jobId);
    add(jobId, name, tags);
  }

  /** Adds the grams of a job that has none yet: a new one. */
  void add(long jobId, String name, List<String> tags) {
    Set<Long> grams = new LinkedHashSet<>();
    grams.addAll(grams(name));
    tags.forEach(tag -> grams.addAll(grams(tag)));
    if (grams.isEmpty()) {
      return;
    }
    List<Object> params = new ArrayList<>(grams.size() * 2);
    grams.forEach(
        gram -> {
          params.add(gram);
          params.add(jobId);
        });
    jdbc.sql(
            "INSERT INTO scheduler_job_search_gram (gram, job_id) VALUES "
                + String.join(", ", Collections.nCopies(grams.size(), "(?, ?)")))
        .params(params)
        .update();
  }

  void remove(long jobId) {
    jdbc.sql("DELETE FROM scheduler_job_search_gram WHERE job_id = ?").param(jobId).update();
  }

  /**
   * The jobs that may contain {@code text} in name or tags: empty when the index cannot narrow the
   * search (text shorter than a gram, or only common grams), an empty list when no job can.
   */
  Optional<List<Long>> candidates(String text) {
    List<Long> grams = weighed(new ArrayList<>(grams(text)));
    if (grams.isEmpty()) {
      return Optional.empty();
    }
    String bounded =
        "(SELECT gram FROM scheduler_job_search_gram WHERE gram = ? LIMIT " + (selective + 1) + ")";
    Map<Long, Integer> counts = new HashMap<>();
    jdbc.sql(
            "SELECT gram, COUNT(*) FROM ("
                + String.join(" UNION ALL ", Collections.nCopies(grams.size(), bounded))
                + ") postings GROUP BY gram")
        .params(new ArrayList<Object>(grams))
        .query(
            (rs, row) -> {
              counts.put(rs.getLong(1), rs.getInt(2));
              return null;
            })
        .list();
    if (counts.size() < grams.size()) {
      return Optional.of(List.of()); // a gram no job has: nothing can match
    }
    long rarest =
        grams.stream().min(Comparator.comparingInt(counts::get)).orElseThrow(); // not empty
    if (counts.get(rarest) > selective) {
      return Optional.empty();
    }
    return Optional.of(
        jdbc.sql("SELECT job_id FROM scheduler_job_search_gram WHERE gram = ?")
            .param(rarest)
            .query(Long.class)
            .list());
  }

  /** At most {@link #WEIGHED} of the grams, spread evenly from the first to the last. */
  private static List<Long> weighed(List<Long> grams) {
    if (grams.size() <= WEIGHED) {
      return grams;
    }
    Set<Long> picked = new LinkedHashSet<>();
    for (int i = 0; i < WEIGHED; i++) {
      picked.add(grams.get((int) ((long) i * (grams.size() - 1) / (WEIGHED - 1))));
    }
    return new ArrayList<>(picked);
  }

  /**
   * Indexes the live jobs that have no grams yet (jobs stored before the index existed), a few
   * hundred at a time; returns how many it looked at.
   */
  int fillMissing() {
    int seen = 0;
    long after = 0;
    while (true) {
      List<Object[]> missing =
          jdbc.sql(
                  "SELECT id, name, tags FROM scheduler_job_definition d"
                      + " WHERE id > ? AND status <> 'DELETED' AND NOT EXISTS"
                      + " (SELECT 1 FROM scheduler_job_search_gram g WHERE g.job_id = d.id)"
                      + " ORDER BY id LIMIT 500")
              .param(after)
              .query((rs, row) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)})
              .list();
      if (missing.isEmpty()) {
        return seen;
      }
      for (Object[] job : missing) {
        try {
          add((Long) job[0], (String) job[1], JobRepository.split((String) job[2]));
        } catch (DuplicateKeyException e) {
          // another replica starting at the same time indexed it a moment ago
        }
      }
      seen += missing.size();
      after = (Long) missing.get(missing.size() - 1)[0];
    }
  }

  /** The hashes of the grams of {@code text}, folded, in the order they occur. */
  static Set<Long> grams(String text) {
    if (text == null) {
      return Set.of();
    }
    int[] chars = fold(text).codePoints().toArray();
    Set<Long> grams = new LinkedHashSet<>();
    for (int start = 0; start + GRAM <= chars.length; start++) {
      grams.add(hash(chars, start));
    }
    return grams;
  }

  /** Lower case without accents: "Café" and "CAFE" fold alike, as the collations compare them. */
  static String fold(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFD)
        .replaceAll("\\p{M}", "")
        .toLowerCase(Locale.ROOT);
  }

  /** FNV-1a over the gram's code points. */
  private static long hash(int[] chars, int start) {
    long hash = 0xcbf29ce484222325L;
    for (int i = start; i < start + GRAM; i++) {
      hash ^= chars[i];
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
