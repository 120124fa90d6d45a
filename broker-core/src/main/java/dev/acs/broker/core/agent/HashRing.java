package dev.acs.broker.core.agent;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A consistent-hash ring over agents: each agent owns many points on a 64-bit circle, and a key
 * belongs to the owner of the first point at or after the key's hash. When an agent joins or
 * leaves, only the keys on its arcs move. Lookup is a binary search: logarithmic in the number of
 * points, allocation-free.
 *
 * <p>The hash is fixed (FNV-1a over UTF-16 code units, then a 64-bit finalizer), so every broker
 * replica that sees the same agents builds the same ring and makes the same choices.
 *
 * <p>Each point packs the high bits of its hash with the owner's index in the low bits, so the ring
 * is one sorted {@code long[]}, cheap to build even for 100,000 agents.
 */
public final class HashRing {

  private static final int MAX_POINTS = 1 << 20;
  private static final int MAX_POINTS_PER_AGENT = 128;
  private static final int MIN_POINTS_PER_AGENT = 8;

  private static final int INDEX_BITS = 16;

  private final Agent[] owners;
  private final long[] points;
  private final long ownerMask;

  /**
   * {@code index[b]} is the first point whose top {@value #INDEX_BITS} bits (sign flipped, so the
   * order matches the signed sort) are at least {@code b}: a lookup binary-searches only its own
   * bucket, a handful of points, instead of the whole ring, which keeps it to one or two cache
   * misses at 100,000 agents.
   */
  private final int[] index;

  HashRing(Agent[] owners) {
    this.owners = owners.clone();
    int ownerBits = 64 - Long.numberOfLeadingZeros(Math.max(1, owners.length - 1));
    this.ownerMask = ownerBits == 0 ? 0 : (1L << ownerBits) - 1;
    int perAgent =
        owners.length == 0
            ? 0
            : Math.max(
                MIN_POINTS_PER_AGENT, Math.min(MAX_POINTS_PER_AGENT, MAX_POINTS / owners.length));
    this.points = new long[owners.length * perAgent];
    int next = 0;
    for (int owner = 0; owner < owners.length; owner++) {
      String id = owners[owner].id().value();
      for (int replica = 0; replica < perAgent; replica++) {
        points[next++] = (pointHash(id, replica) & ~ownerMask) | owner;
      }
    }
    Arrays.sort(points);
    this.index = new int[(1 << INDEX_BITS) + 1];
    int point = 0;
    for (int bucket = 0; bucket <= 1 << INDEX_BITS; bucket++) {
      while (point < points.length && bucketOf(points[point]) < bucket) {
        point++;
      }
      index[bucket] = point;
    }
  }

  private static int bucketOf(long value) {
    return (int) ((value ^ Long.MIN_VALUE) >>> (64 - INDEX_BITS));
  }

  /** Whether the ring has no agents. */
  public boolean isEmpty() {
    return owners.length == 0;
  }

  /** How many agents are on the ring. */
  public int size() {
    return owners.length;
  }

  /**
   * The agent that owns {@code key}, skipping {@code excluded} (the sender) by walking on to the
   * next point; {@code null} when no other agent is on the ring.
   */
  public @Nullable Agent owner(String key, @Nullable AgentId excluded) {
    if (points.length == 0) {
      return null;
    }
    long hash = hash(key) & ~ownerMask;
    int bucket = bucketOf(hash);
    int start = Arrays.binarySearch(points, index[bucket], index[bucket + 1], hash);
    if (start < 0) {
      start = -start - 1;
    }
    for (int step = 0; step < points.length; step++) {
      Agent candidate = owners[(int) (points[(start + step) % points.length] & ownerMask)];
      if (!candidate.id().equals(excluded)) {
        return candidate;
      }
      if (owners.length == 1) {
        return null;
      }
    }
    return null;
  }

  /** {@link #owner} by a search of the whole ring, ignoring the index; for tests. */
  @Nullable Agent ownerByFullSearch(String key) {
    if (points.length == 0) {
      return null;
    }
    int start = Arrays.binarySearch(points, hash(key) & ~ownerMask);
    if (start < 0) {
      start = -start - 1;
    }
    return owners[(int) (points[start % points.length] & ownerMask)];
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

  private static long pointHash(String id, int replica) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      hash ^= id.charAt(i);
      hash *= 0x100000001b3L;
    }
    hash ^= '#';
    hash *= 0x100000001b3L;
    hash ^= replica;
    hash *= 0x100000001b3L;
    return mix(hash);
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
