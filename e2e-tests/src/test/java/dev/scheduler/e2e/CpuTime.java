package dev.scheduler.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

/** CPU time from Linux's /proc, for benchmarks that report where the cores went. */
final class CpuTime {

  /** Clock ticks per second of /proc's counters (USER_HZ, 100 on Linux). */
  private static final long TICKS_PER_SECOND = 100;

  private CpuTime() {}

  /**
   * User and system CPU time of process {@code pid} so far, in ms; -1 where /proc does not tell.
   */
  static long ofProcess(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // After the command name (in parentheses, may hold spaces): state is field 3, utime 14.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1000 / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU time so far, in ms, of the processes on this machine whose command name is one of {@code
   * names} (the local database or Redis server, summed over their processes); -1 where none runs
   * here, as when they run in containers of another host.
   */
  static long ofCommand(Set<String> names) {
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      long total = -1;
      for (Path entry : entries.toList()) {
        String pid = entry.getFileName().toString();
        if (!pid.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String command;
        try {
          command = Files.readString(entry.resolve("comm")).trim();
        } catch (IOException e) {
          continue; // ended meanwhile
        }
        if (names.contains(command)) {
          long ms = ofProcess(Long.parseLong(pid));
          if (ms >= 0) {
            total = Math.max(total, 0) + ms;
          }
        }
      }
      return total;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** This JVM's CPU time so far, in ms. */
  static long ofThisProcess() {
    return ofProcess(ProcessHandle.current().pid());
  }

  /**
   * The machine's busy and total CPU time so far, in ms summed over its cores ({@code [busy,
   * total]}); {@code [-1, -1]} where /proc does not tell.
   */
  static long[] ofMachine() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
      return new long[] {(total - idle) * 1000 / TICKS_PER_SECOND, total * 1000 / TICKS_PER_SECOND};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }
}
