package dev.scheduler.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sample agents' tally files (one per node, {@code <node>.tally}): a line per finished run of
 * the {@code tally} job — execution id, attempt, shard, due time, fencing token — written by the
 * handler itself, so they count what ran independently of what the platform recorded.
 */
final class TallyFiles {

  private TallyFiles() {}

  /**
   * The runs of executions due in [{@code from}, {@code to}), by execution id, each as {@code
   * "<node> attempt <n> token <t>"}.
   */
  static Map<String, List<String>> runs(Path folder, Instant from, Instant to) throws IOException {
    Map<String, List<String>> runs = new HashMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".tally")).toList()) {
        String node = file.getFileName().toString().replace(".tally", "");
        for (String line : Files.readAllLines(file)) {
          String[] parts = line.split(" ");
          Instant due = Instant.parse(parts[3]);
          if (!due.isBefore(from) && due.isBefore(to)) {
            runs.computeIfAbsent(parts[0], id -> new ArrayList<>())
                .add(node + " attempt " + parts[1] + " token " + parts[4]);
          }
        }
      }
    }
    return runs;
  }
}
