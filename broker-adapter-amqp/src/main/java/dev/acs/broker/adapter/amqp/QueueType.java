package dev.acs.broker.adapter.amqp;

import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The type of the queues the broker declares: classic (what the rest of the system declares, SPEC
 * §3) or quorum (replicated across a RabbitMQ cluster by Raft).
 */
public enum QueueType {
  /** Declared without arguments, as the central server and the agents declare theirs. */
  CLASSIC,
  /** Declared with {@code x-queue-type: quorum}; every other service must declare it so too. */
  QUORUM;

  /**
   * The {@code queue.declare} arguments of this type: {@code null} for classic, so the declaration
   * is the one of SPEC §3 to the byte.
   */
  @Nullable Map<String, Object> declareArguments() {
    return this == QUORUM ? Map.of("x-queue-type", "quorum") : null;
  }

  /**
   * The lower-case name used on the command line and by RabbitMQ ({@code classic}, {@code quorum}).
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The type named {@code text}, case-insensitively.
   *
   * @throws IllegalArgumentException for any other word, listing the valid ones
   */
  public static QueueType parse(String text) {
    String normalized = text.strip().toLowerCase(Locale.ROOT);
    for (QueueType type : values()) {
      if (type.wireName().equals(normalized)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown queue type '" + text + "'; use classic or quorum");
  }
}
