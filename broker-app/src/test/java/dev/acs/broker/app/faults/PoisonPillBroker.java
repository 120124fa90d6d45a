package dev.acs.broker.app.faults;

import dev.acs.broker.app.cli.BrokerCli;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A test-scope front door of the real broker that dies on one message: the stand-in for a poison
 * message that crashes the process (a JVM bug, a native library, an OOM on one huge body). Started
 * in place of {@code broker.jar}'s main class by {@link
 * dev.acs.broker.app.BrokerProcess#startMain}, it watches the broker's own log output (run it with
 * {@code --log-level debug}, which logs each routing decision before the outcome is published) and
 * halts the JVM, like {@code kill -9}, on the decision to deliver a message whose line contains the
 * system property {@code poison.marker}. The input is then unacknowledged and RabbitMQ redelivers
 * it. Nothing of this is in the production jar.
 */
public final class PoisonPillBroker {

  /** The exit status of the halt (128 + SIGKILL, as a killed process reports). */
  public static final int HALT_STATUS = 137;

  private PoisonPillBroker() {}

  /** Runs {@code BrokerCli.main(args)} with stdout and stderr watched for the marker. */
  public static void main(String[] args) {
    String marker = System.getProperty("poison.marker");
    if (marker == null || marker.isBlank()) {
      throw new IllegalArgumentException("-Dpoison.marker=<text of the poison message> is missing");
    }
    // Before any logger exists, so the console appender writes through the watch.
    System.setOut(watched(System.out, marker));
    System.setErr(watched(System.err, marker));
    BrokerCli.main(args);
  }

  private static PrintStream watched(PrintStream target, String marker) {
    return new PrintStream(new LineWatch(target, marker), true, StandardCharsets.UTF_8);
  }

  /** Passes bytes on; halts at the end of a line that decides to deliver the poison message. */
  private static final class LineWatch extends OutputStream {
    private final PrintStream target;
    private final String marker;
    private final StringBuilder line = new StringBuilder();

    LineWatch(PrintStream target, String marker) {
      this.target = target;
      this.marker = marker;
    }

    @Override
    public synchronized void write(int b) {
      target.write(b);
      if (b == '\n') {
        String text = line.toString();
        line.setLength(0);
        if (text.contains(marker) && text.contains(" -> deliver to ")) {
          target.println("PoisonPillBroker: halting on " + marker);
          target.flush();
          Runtime.getRuntime().halt(HALT_STATUS);
        }
      } else {
        line.append((char) b);
      }
    }

    @Override
    public void flush() {
      target.flush();
    }
  }
}
