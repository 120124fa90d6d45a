package dev.acs.broker.adapter.amqp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One RabbitMQ node's AMQP address: a host and a port.
 *
 * @param host host name or address (an IPv6 address without brackets)
 * @param port TCP port, 1..65535
 */
public record AmqpAddress(String host, int port) {

  /** Requires a host and a port in range. */
  public AmqpAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port + " for " + host);
    }
  }

  /**
   * Parses {@code host[:port],...}: comma-separated, blanks around entries ignored, {@code
   * defaultPort} for entries without one, IPv6 addresses in brackets ({@code [::1]:5672}).
   *
   * @throws IllegalArgumentException naming the entry that is not an address, or for an empty or
   *     repeated list entry
   */
  public static List<AmqpAddress> parseList(String text, int defaultPort) {
    Objects.requireNonNull(text, "text");
    List<AmqpAddress> addresses = new ArrayList<>();
    for (String entry : text.split(",", -1)) {
      String trimmed = entry.strip();
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException(
            "empty entry in the address list '" + text + "'; write host[:port],host[:port],...");
      }
      addresses.add(parse(trimmed, defaultPort));
    }
    if (new LinkedHashSet<>(addresses).size() != addresses.size()) {
      throw new IllegalArgumentException("the address list '" + text + "' names a node twice");
    }
    return List.copyOf(addresses);
  }

  /** Parses one {@code host[:port]} entry; see {@link #parseList}. */
  public static AmqpAddress parse(String entry, int defaultPort) {
    String host;
    String port = null;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + entry + "' opens '[' without closing it");
      }
      host = entry.substring(1, close);
      String rest = entry.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException("'" + entry + "' is not host[:port]");
        }
        port = rest.substring(1);
      }
    } else {
      int colon = entry.lastIndexOf(':');
      if (colon >= 0 && entry.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            "'" + entry + "' has several colons; write an IPv6 address as [address]:port");
      }
      host = colon < 0 ? entry : entry.substring(0, colon);
      port = colon < 0 ? null : entry.substring(colon + 1);
    }
    int number = defaultPort;
    if (port != null) {
      try {
        number = Integer.parseInt(port.strip());
      } catch (NumberFormatException notANumber) {
        throw new IllegalArgumentException(
            "'" + entry + "' has port '" + port + "', which is not a number", notANumber);
      }
    }
    try {
      return new AmqpAddress(host.strip(), number);
    } catch (IllegalArgumentException invalid) {
      throw new IllegalArgumentException(
          "'" + entry + "' is not host[:port]: " + invalid.getMessage(), invalid);
    }
  }

  /** {@code host:port} ({@code [host]:port} for IPv6), as operators write it. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
