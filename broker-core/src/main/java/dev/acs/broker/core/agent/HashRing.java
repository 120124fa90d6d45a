package dev.acs.broker.core.agent;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A consistent-hash ring over agents: each available agent owns {@value #POINTS_PER_AGENT} points
 * on a 64-bit circle, and a key belongs to the owner of the first point at or after the key's hash.
 * When an agent joins or leaves, only its own points enter or leave, so only the keys on its arcs
 * move, and the writer pays O(points × log n) for it, never a rebuild.
 *
 * <p>The hash is fixed (FNV-1a over UTF-16 code units, then a 64-bit finalizer) and the number of
 * points per agent does not depend on the fleet's size, so every broker replica that sees the same
 * agents holds the same points, whatever order the updates came in, and makes the same choices.
 * Ties between equal positions go to the smaller id.
 *
 * <p>A ring belongs to one {@link AgentView} and is built with it by the thread that applies the
 * update. Its points hold agent ids, which never change, rather than records, which change with
 * every status: an agent that turns busy or idle keeps its points untouched, and a lookup walks a
 * fixed-depth trie to the id, then resolves the view's current record in its id trie (about four
 * small arrays at 100,000 agents). A lookup allocates nothing.
 */
public final class HashRing {

  /**
   * Points per agent: enough to spread keys within about ±25 % per agent, few enough to stay small.
   */
  static final int POINTS_PER_AGENT = 16;

  /**
   * {@code log2(POINTS_PER_AGENT)}: an agent's points are written in a row, so point i is agent's i
   * >>> 4.
   */
  static final int POINT_SHIFT = Integer.numberOfTrailingZeros(POINTS_PER_AGENT);

  private final RingPoints points;
  private final AgentMap agents;
  private final int size;

  /** The ring of these points, whose ids resolve to records in {@code agents}. */
  HashRing(RingPoints points, AgentMap agents, int size) {
    this.points = points;
    this.agents = agents;
    this.size = size;
  }

  /** A ring over exactly these agents, all taken as available; for tests. */
  static HashRing of(Agent... owners) {
    long[] positions = new long[owners.length * POINTS_PER_AGENT];
    AgentId[] ids = new AgentId[positions.length];
    int next = 0;
    for (Agent owner : owners) {
      next = pointsOf(owner.id(), positions, ids, next);
    }
    return new HashRing(
        RingPoints.of(positions, ids, next), AgentMap.ofAll(List.of(owners)), owners.length);
  }

  /** Whether the ring has no agents. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** How many agents are on the ring. */
  public int size() {
    return size;
  }

  /**
   * The agent that owns {@code key}, skipping {@code excluded} (the sender) by walking on to the
   * next point; {@code null} when no other agent is on the ring.
   */
  public @Nullable Agent owner(String key, @Nullable AgentId excluded) {
    AgentId owner = points.owner(hash(key), excluded);
    return owner == null ? null : agents.get(owner);
  }

  /** {@link #owner} by a scan of every point, ignoring the trie; the naive model for tests. */
  @Nullable Agent ownerByFullSearch(String key) {
    AgentId owner = points.ownerByScan(hash(key), null);
    return owner == null ? null : agents.get(owner);
  }

  /** The points themselves; for tests of what an update shares with the view before it. */
  RingPoints points() {
    return points;
  }

  /** The number of points on the ring; for tests. */
  int pointCount() {
    return points.count();
  }

  /** The ring's hash of a key: stable across JVMs and releases. */
  public static long hash(CharSequence key) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      hash ^= key.charAt(i);
      hash *= 0x100000001b3L;
    }
    return mix(hash);
  }

  /**
   * Writes the positions of an agent's points into {@code positions} (and its id alongside) from
   * {@code at}; returns the index after the last one written.
   */
  static int pointsOf(AgentId agent, long[] positions, AgentId[] owners, int at) {
    int next = positionsOf(agent, positions, at);
    Arrays.fill(owners, at, next, agent);
    return next;
  }

  /**
   * Writes the positions of an agent's points into {@code positions} from {@code at}; returns the
   * index after the last one written.
   */
  static int positionsOf(AgentId agent, long[] positions, int at) {
    String value = agent.value();
    long prefix = 0xcbf29ce484222325L;
    for (int i = 0; i < value.length(); i++) {
      prefix ^= value.charAt(i);
      prefix *= 0x100000001b3L;
    }
    prefix ^= '#';
    prefix *= 0x100000001b3L;
    int next = at;
    for (int replica = 0; replica < POINTS_PER_AGENT; replica++) {
      positions[next++] = mix((prefix ^ replica) * 0x100000001b3L);
    }
    return next;
  }

  /** Adds the agent's points to a batch of ring changes. */
  static void addPoints(RingPoints.Editor editor, AgentId agent) {
    long[] positions = new long[POINTS_PER_AGENT];
    positionsOf(agent, positions, 0);
    for (long position : positions) {
      editor.add(position, agent);
    }
  }

  /** Removes the agent's points in a batch of ring changes. */
  static void removePoints(RingPoints.Editor editor, AgentId agent) {
    long[] positions = new long[POINTS_PER_AGENT];
    positionsOf(agent, positions, 0);
    for (long position : positions) {
      editor.remove(position, agent);
    }
  }

  /** MurmurHash3's 64-bit finalizer: spreads FNV's weak low bits over the whole word. */
  private static long mix(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
