package dev.acs.broker.adapter.amqp.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * CPU time of this JVM (all threads, and per thread) and of the RabbitMQ server process ({@code
 * beam.smp}, read from {@code /proc} when it runs on this host).
 */
final class CpuMeter {

  private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private OptionalLong rabbitPid = findBeam();

  /** CPU used so far. */
  record Sample(long wallNanos, long processNanos, long rabbitNanos, Map<Long, Long> threadNanos) {}

  /** CPU used between two samples, in nanoseconds, with the busiest threads. */
  record Usage(long wallNanos, long processNanos, long rabbitNanos, List<String> topThreads) {

    double processCores() {
      return (double) processNanos / wallNanos;
    }

    double rabbitCores() {
      return rabbitNanos < 0 ? Double.NaN : (double) rabbitNanos / wallNanos;
    }
  }

  Sample sample() {
    Map<Long, Long> perThread = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      if (cpu >= 0) {
        perThread.put(id, cpu);
      }
    }
    return new Sample(System.nanoTime(), os.getProcessCpuTime(), rabbitNanos(), perThread);
  }

  Usage since(Sample start) {
    Sample end = sample();
    List<Map.Entry<String, Long>> deltas = new ArrayList<>();
    for (Map.Entry<Long, Long> thread : end.threadNanos().entrySet()) {
      long before = start.threadNanos().getOrDefault(thread.getKey(), 0L);
      ThreadInfo info = threads.getThreadInfo(thread.getKey());
      String name = info == null ? "#" + thread.getKey() : info.getThreadName();
      deltas.add(Map.entry(name, thread.getValue() - before));
    }
    deltas.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    long wall = end.wallNanos() - start.wallNanos();
    List<String> top =
        deltas.stream()
            .limit(6)
            .filter(e -> e.getValue() > wall / 100)
            .map(e -> String.format("%s %.0f%%", e.getKey(), 100.0 * e.getValue() / wall))
            .toList();
    long rabbit =
        start.rabbitNanos() < 0 || end.rabbitNanos() < 0
            ? -1
            : end.rabbitNanos() - start.rabbitNanos();
    return new Usage(wall, end.processNanos() - start.processNanos(), rabbit, top);
  }

  private long rabbitNanos() {
    long nanos = rabbitNanosOf(rabbitPid);
    if (nanos < 0) {
      rabbitPid = findBeam(); // RabbitMQ was restarted (by someone else's test, say)
      nanos = rabbitNanosOf(rabbitPid);
    }
    return nanos;
  }

  private static long rabbitNanosOf(OptionalLong rabbitPid) {
    if (rabbitPid.isEmpty()) {
      return -1;
    }
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(rabbitPid.getAsLong()), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
    } catch (IOException | RuntimeException unreadable) {
      return -1;
    }
  }

  private static OptionalLong findBeam() {
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      return processes
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> commandOf(p).startsWith("beam"))
          .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
          .findFirst();
    } catch (IOException | RuntimeException noProc) {
      return OptionalLong.empty();
    }
  }

  private static String commandOf(Path process) {
    try {
      return Files.readString(process.resolve("comm")).trim();
    } catch (IOException | RuntimeException gone) {
      return "";
    }
  }
}
