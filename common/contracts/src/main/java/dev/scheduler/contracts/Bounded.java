package dev.scheduler.contracts;

/** Cuts texts to a bound, saying so in the text itself so that nothing is lost silently. */
public final class Bounded {

  private Bounded() {}

  /**
   * Returns {@code text} unchanged when it fits in {@code maxChars}, otherwise its beginning
   * followed by a marker that tells exactly how many characters were cut; the result is never
   * longer than {@code maxChars}.
   */
  public static String text(String text, int maxChars) {
    if (text == null || text.length() <= maxChars) {
      return text;
    }
    // The marker's length depends on the count it reports; the count only grows with the marker,
    // so this settles after at most a couple of rounds.
    int cut = text.length() - maxChars;
    while (true) {
      String marker = "... [truncated " + cut + " chars]";
      int keep = maxChars - marker.length();
      if (keep <= 0) {
        return text.substring(0, maxChars);
      }
      if (text.length() - keep == cut) {
        return text.substring(0, keep) + marker;
      }
      cut = text.length() - keep;
    }
  }
}
