package dev.acs.broker.app.faults;

import dev.acs.broker.testsupport.PrivateRabbitNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real three-node RabbitMQ cluster of the tests' own: three {@link PrivateRabbitNode}s (distinct
 * node names, free ports, own data directories) joined with {@code rabbitmqctl join_cluster}, so
 * quorum queues replicate across them. Closing it stops every node and deletes its data.
 *
 * <p>The nodes run with {@code cluster_partition_handling = pause_minority}, the setting
 * docs/scaling.md recommends for a cluster with quorum queues: a node cut off from the others stops
 * serving clients until it sees a majority again, instead of running on alone.
 */
final class RabbitCluster implements AutoCloseable {

  /** Extra {@code rabbitmq.conf} lines of every node. */
  static final String NODE_CONFIG = "cluster_partition_handling = pause_minority\n";

  private final List<PrivateRabbitNode> nodes;

  private RabbitCluster(List<PrivateRabbitNode> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /** Starts three nodes, joins the second and third to the first, and waits until all run. */
  static RabbitCluster start() throws IOException, InterruptedException {
    List<PrivateRabbitNode> started = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        started.add(PrivateRabbitNode.start(NODE_CONFIG));
      }
      PrivateRabbitNode first = started.get(0);
      for (PrivateRabbitNode other : started.subList(1, started.size())) {
        other.ctl("stop_app");
        other.ctl("join_cluster", first.node());
        other.ctl("start_app");
      }
      RabbitCluster cluster = new RabbitCluster(started);
      cluster.awaitRunning();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException failed) {
      for (PrivateRabbitNode node : started) {
        node.close();
      }
      throw failed;
    }
  }

  /** The nodes, in the order they were started. */
  List<PrivateRabbitNode> nodes() {
    return nodes;
  }

  /** The node called {@code name} (as RabbitMQ names it, {@code name@localhost}). */
  PrivateRabbitNode node(String name) {
    return nodes.stream()
        .filter(node -> node.node().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name + " in " + names()));
  }

  /** The AMQP ports of the nodes, in order. */
  List<Integer> ports() {
    return nodes.stream().map(PrivateRabbitNode::port).collect(Collectors.toList());
  }

  /** {@code 127.0.0.1:port,...}: the value of {@code --rabbitmq-addresses} for this cluster. */
  String addresses() {
    return addresses(ports());
  }

  /** The {@code --rabbitmq-addresses} value of these ports on 127.0.0.1. */
  static String addresses(List<Integer> ports) {
    return ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  /** A node that runs now, for {@code rabbitmqctl} commands about the whole cluster. */
  PrivateRabbitNode anyRunning() {
    for (PrivateRabbitNode node : nodes) {
      if (node.acceptsConnections()) {
        return node;
      }
    }
    throw new IllegalStateException("no node of " + names() + " runs");
  }

  /** Waits until every node runs and sees the other two. */
  void awaitRunning() throws IOException, InterruptedException {
    for (PrivateRabbitNode node : nodes) {
      node.ctl("await_startup", "--timeout", "80");
    }
    String status = nodes.get(0).ctl("cluster_status", "--formatter", "json");
    for (PrivateRabbitNode node : nodes) {
      if (!status.contains("\"" + node.node() + "\"")) {
        throw new IOException(node.node() + " is not in the cluster: " + status);
      }
    }
  }

  /**
   * The node that leads the quorum queue {@code queue} in the default virtual host now, as {@code
   * rabbitmqctl list_queues name leader} reports it.
   */
  PrivateRabbitNode leaderOf(String queue) throws IOException, InterruptedException {
    String listing = anyRunning().ctl("list_queues", "-q", "--no-table-headers", "name", "leader");
    for (String line : listing.split("\n")) {
      String[] columns = line.strip().split("\\s+");
      if (columns.length == 2 && columns[0].equals(queue)) {
        return node(columns[1]);
      }
    }
    throw new IOException("queue " + queue + " has no leader listed: " + listing);
  }

  /** How many members of quorum queue {@code queue} are online, and which, for the reports. */
  Map<String, String> membersOf(String queue) throws IOException, InterruptedException {
    String listing =
        anyRunning()
            .ctl("list_queues", "-q", "--no-table-headers", "name", "leader", "online", "members");
    for (String line : listing.split("\n")) {
      if (line.startsWith(queue + "\t") || line.startsWith(queue + " ")) {
        return Map.of("listing", line.strip());
      }
    }
    return Map.of("listing", "(not listed)");
  }

  /**
   * Cuts {@code node} off from the other nodes at the Erlang distribution level, as a network split
   * does: it uses a wrong cookie for them and drops its links, so no connection between it and them
   * can be made until {@link #heal}. Its AMQP port stays reachable; with {@code pause_minority} the
   * node, alone in its minority, stops serving clients by itself.
   */
  void partition(PrivateRabbitNode node) throws IOException, InterruptedException {
    node.ctl(
        "eval",
        erlangForEachOther(
            node, "erlang:set_cookie(N, partitioned_by_test), erlang:disconnect_node(N)"));
  }

  /** Ends {@link #partition}: the right cookie again, and a ping to each other node. */
  void heal(PrivateRabbitNode node) throws IOException, InterruptedException {
    node.ctl(
        "eval",
        erlangForEachOther(node, "erlang:set_cookie(N, erlang:get_cookie()), net_adm:ping(N)"));
  }

  /** Whether the RabbitMQ application runs on {@code node} (false while it pauses). */
  static boolean rabbitRuns(PrivateRabbitNode node) {
    try {
      return node.ctl("eval", "rabbit:is_running().").strip().equals("true");
    } catch (IOException | InterruptedException | RuntimeException unreachable) {
      return false;
    }
  }

  private String erlangForEachOther(PrivateRabbitNode node, String body) {
    String others =
        nodes.stream()
            .filter(other -> other != node)
            .map(other -> "'" + other.node() + "'")
            .collect(Collectors.joining(","));
    return "[begin " + body + " end || N <- [" + others + "]].";
  }

  private List<String> names() {
    return nodes.stream().map(PrivateRabbitNode::node).collect(Collectors.toList());
  }

  /** Stops every node and deletes its data; the last one first, so none waits for the others. */
  @Override
  public void close() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
  }
}
