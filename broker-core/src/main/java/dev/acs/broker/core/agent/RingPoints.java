package dev.acs.broker.core.agent;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The points of a consistent-hash ring: pairs of a 64-bit position and the id of the agent that
 * owns it, ordered by position (unsigned) and then by the owner's id, held in a persistent radix
 * trie of fixed depth: 256 × 256 buckets by the top 16 bits of the position, each bucket a small
 * sorted array. Positions are uniform hashes, so buckets stay even (about 25 points at 100,000
 * agents × 16 points) and no balancing is needed. An {@link Editor} copies the top array once per
 * batch, each touched middle array once, and each touched bucket per point; everything else is
 * shared. Occupancy bitmaps at both levels find the next non-empty bucket in a few word operations,
 * so a lookup costs the same on a sparse ring and a full one. Immutable once built.
 *
 * <p>Points hold ids, not agent records: a point depends only on its agent's id, so an agent that
 * changes state but stays routable (busy ↔ idle, the most common update by far) leaves the ring
 * untouched; {@link HashRing} resolves the id to the view's current record at lookup time.
 *
 * <p>Longer than the project's ~350 lines on purpose: the two-level trie, its bulk build, its
 * lookups and its {@link Editor} share one memory layout (the arrays, the occupancy bitmaps, the
 * point order) and its invariants; split over files, each part would need the others' internals.
 */
final class RingPoints {

  private static final int FAN = 256;
  private static final int WORDS = FAN / 64;

  static final RingPoints EMPTY = new RingPoints(new Mid[FAN], new long[WORDS], 0);

  private final @Nullable Mid[] top;
  private final long[] topBits;
  private final int count;

  private RingPoints(@Nullable Mid[] top, long[] topBits, int count) {
    this.top = top;
    this.topBits = topBits;
    this.count = count;
  }

  /** The ring of exactly these points, given in any order without duplicates. */
  static RingPoints of(long[] positions, AgentId[] owners, int length) {
    return of(positions, 0, owners, length);
  }

  /**
   * The ring of exactly these points, given in any order without duplicates, point {@code i} owned
   * by {@code owners[i >>> ownerShift]} (each owner's {@code 1 << ownerShift} points in a row, as
   * {@link HashRing#positionsOf} writes them).
   *
   * <p>Built in one pass rather than point by point: a radix pass by the top 8 bits into 256
   * sequential streams, then each stream (a few thousand points, cache-resident) is sorted as
   * primitive keys by two counting passes and only then are the buckets' arrays allocated and
   * filled, in order. Owners travel as int indexes until then: scattering references at random into
   * arrays of millions of slots cost more in cache misses and GC card marking than everything else
   * in building the view (0.5–0.9 s at 100,000 agents), and an insertion sort of each bucket's
   * positions and owners together was most of what remained (about 40 ms).
   */
  static RingPoints of(long[] positions, int ownerShift, AgentId[] owners, int length) {
    int[] groupStart = new int[FAN + 1];
    for (int i = 0; i < length; i++) {
      groupStart[(int) (positions[i] >>> 56) + 1]++;
    }
    int largest = 0;
    for (int t = 0; t < FAN; t++) {
      largest = Math.max(largest, groupStart[t + 1]);
      groupStart[t + 1] += groupStart[t];
    }
    int[] fill = Arrays.copyOf(groupStart, FAN);
    long[] groupedPositions = new long[length];
    int[] groupedOwners = new int[length];
    for (int i = 0; i < length; i++) {
      int at = fill[(int) (positions[i] >>> 56)]++;
      groupedPositions[at] = positions[i];
      groupedOwners[at] = i >>> ownerShift;
    }
    // A key: the position's 56 bits below the group's byte, shifted up, with the point's index
    // within its group in the low bits (overwriting the position's lowest few), so primitive
    // passes carry the index along. Two counting passes over a group, by the byte below the
    // bucket's and then, stably, by the bucket's byte, leave each bucket sorted but for the rare
    // points sharing both bytes, which an insertion sort then moves (cheap: the range is nearly
    // sorted). Points that tie, or differ only in the overwritten bits, are mended by the check
    // after the fill.
    int indexBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(largest));
    long indexMask = (1L << indexBits) - 1;
    long[] keys = new long[largest];
    long[] byLower = new long[largest];
    int[] lowerStart = new int[FAN + 1];
    int[] bucketStart = new int[FAN + 1];
    int[] cursor = new int[FAN];
    Mid[] top = new Mid[FAN];
    long[] topBits = new long[WORDS];
    for (int t = 0; t < FAN; t++) {
      int from = groupStart[t];
      int to = groupStart[t + 1];
      int size = to - from;
      if (size == 0) {
        continue;
      }
      Arrays.fill(lowerStart, 0);
      Arrays.fill(bucketStart, 0);
      for (int k = 0; k < size; k++) {
        long key = ((groupedPositions[from + k] << 8) & ~indexMask) | k;
        keys[k] = key;
        lowerStart[(int) ((key >>> 48) & (FAN - 1)) + 1]++;
        bucketStart[(int) (key >>> 56) + 1]++;
      }
      for (int b = 0; b < FAN; b++) {
        lowerStart[b + 1] += lowerStart[b];
        bucketStart[b + 1] += bucketStart[b];
      }
      System.arraycopy(lowerStart, 0, cursor, 0, FAN);
      for (int k = 0; k < size; k++) {
        byLower[cursor[(int) ((keys[k] >>> 48) & (FAN - 1))]++] = keys[k];
      }
      System.arraycopy(bucketStart, 0, cursor, 0, FAN);
      for (int k = 0; k < size; k++) {
        keys[cursor[(int) (byLower[k] >>> 56)]++] = byLower[k];
      }
      Leaf[] leaves = new Leaf[FAN];
      long[] bits = new long[WORDS];
      for (int m = 0; m < FAN; m++) {
        int start = bucketStart[m];
        int end = bucketStart[m + 1];
        if (start == end) {
          continue;
        }
        sortUnsigned(keys, start, end);
        long[] bucketPositions = new long[end - start];
        AgentId[] bucketOwners = new AgentId[end - start];
        boolean ordered = true;
        for (int k = 0; k < bucketPositions.length; k++) {
          int i = from + (int) (keys[start + k] & indexMask);
          bucketPositions[k] = groupedPositions[i];
          bucketOwners[k] = owners[groupedOwners[i]];
          if (k > 0
              && after(
                  bucketPositions[k - 1],
                  bucketOwners[k - 1],
                  bucketPositions[k],
                  bucketOwners[k])) {
            ordered = false;
          }
        }
        if (!ordered) {
          insertionSort(bucketPositions, bucketOwners);
        }
        leaves[m] = new Leaf(bucketPositions, bucketOwners);
        set(bits, m);
      }
      top[t] = new Mid(leaves, bits);
      set(topBits, t);
    }
    return new RingPoints(top, topBits, length);
  }

  /** Insertion sort of a small range of keys, as unsigned numbers. */
  private static void sortUnsigned(long[] keys, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      long key = keys[i];
      int j = i - 1;
      while (j >= from && Long.compareUnsigned(keys[j], key) > 0) {
        keys[j + 1] = keys[j];
        j--;
      }
      keys[j + 1] = key;
    }
  }

  /** Sorts one bucket by position, then owner id; owners are looked at only when positions tie. */
  private static void insertionSort(long[] positions, AgentId[] owners) {
    for (int i = 1; i < positions.length; i++) {
      long position = positions[i];
      AgentId owner = owners[i];
      int j = i - 1;
      while (j >= 0 && after(positions[j], owners[j], position, owner)) {
        positions[j + 1] = positions[j];
        owners[j + 1] = owners[j];
        j--;
      }
      positions[j + 1] = position;
      owners[j + 1] = owner;
    }
  }

  private static boolean after(long p1, AgentId o1, long p2, AgentId o2) {
    int order = Long.compareUnsigned(p1, p2);
    return order > 0 || (order == 0 && o1.compareTo(o2) > 0);
  }

  private static int compare(long p1, AgentId o1, long p2, AgentId o2) {
    int order = Long.compareUnsigned(p1, p2);
    return order != 0 ? order : o1.compareTo(o2);
  }

  private static void set(long[] bits, int index) {
    bits[index >>> 6] |= 1L << index;
  }

  private static void clear(long[] bits, int index) {
    bits[index >>> 6] &= ~(1L << index);
  }

  /** The first set bit at or after {@code from}, or -1. */
  private static int nextSet(long[] bits, int from) {
    if (from >= FAN) {
      return -1;
    }
    int word = from >>> 6;
    long current = bits[word] & (-1L << from);
    while (true) {
      if (current != 0) {
        return (word << 6) + Long.numberOfTrailingZeros(current);
      }
      if (++word == WORDS) {
        return -1;
      }
      current = bits[word];
    }
  }

  /** How many points the ring holds. */
  int count() {
    return count;
  }

  /**
   * The owner of the first point at or after {@code position} (wrapping around) whose owner is not
   * {@code excluded}; {@code null} when there is none.
   */
  @Nullable AgentId owner(long position, @Nullable AgentId excluded) {
    if (count == 0) {
      return null;
    }
    int t = (int) (position >>> 56);
    int m = (int) (position >>> 48) & (FAN - 1);
    int visited = 0;
    Mid mid = top[t];
    if (mid != null) {
      Leaf leaf = mid.leaves[m];
      if (leaf != null) {
        for (int i = leaf.ceiling(position); i < leaf.owners.length; i++) {
          if (excluded == null || !leaf.owners[i].equals(excluded)) {
            return leaf.owners[i];
          }
          visited++;
        }
      }
    }
    // Walk on bucket by bucket, around the circle, until every point has been seen.
    int nextT = t;
    int nextM = m + 1;
    while (visited < count) {
      Mid current = nextM < FAN ? top[nextT] : null;
      int found = current == null ? -1 : nextSet(current.bits, nextM);
      if (current == null || found < 0) {
        nextT = nextSet(topBits, nextT + 1);
        if (nextT < 0) {
          nextT = nextSet(topBits, 0);
        }
        nextM = 0;
        continue;
      }
      Leaf leaf = current.leaves[found];
      for (AgentId candidate : leaf.owners) {
        if (excluded == null || !candidate.equals(excluded)) {
          return candidate;
        }
        visited++;
      }
      nextM = found + 1;
    }
    return null;
  }

  /** The same owner as {@link #owner} by a scan of every point; the naive model for tests. */
  @Nullable AgentId ownerByScan(long position, @Nullable AgentId excluded) {
    long bestPosition = 0;
    AgentId best = null;
    long lowestPosition = 0;
    AgentId lowest = null;
    for (Mid mid : top) {
      if (mid == null) {
        continue;
      }
      for (Leaf leaf : mid.leaves) {
        if (leaf == null) {
          continue;
        }
        for (int i = 0; i < leaf.owners.length; i++) {
          long p = leaf.positions[i];
          AgentId o = leaf.owners[i];
          if (o.equals(excluded)) {
            continue;
          }
          if (lowest == null || compare(p, o, lowestPosition, lowest) < 0) {
            lowest = o;
            lowestPosition = p;
          }
          if (Long.compareUnsigned(p, position) >= 0
              && (best == null || compare(p, o, bestPosition, best) < 0)) {
            best = o;
            bestPosition = p;
          }
        }
      }
    }
    return best != null ? best : lowest;
  }

  /** Starts a batch of changes to this ring; the ring itself never changes. */
  Editor edit() {
    return new Editor(this);
  }

  /** Collects additions and removals and copies each touched node once per batch. */
  static final class Editor {
    private static final boolean[] NOTHING_COPIED = new boolean[0];

    private final RingPoints base;
    private @Nullable Mid @Nullable [] top;
    private long[] topBits;
    // Allocated with the top array's copy, so a batch that changes nothing allocates nothing.
    private boolean[] midCopied = NOTHING_COPIED;
    private int count;

    private Editor(RingPoints base) {
      this.base = base;
      this.topBits = base.topBits;
      this.count = base.count;
    }

    /** The editor's own copy of the top array, made at the batch's first change. */
    private @Nullable Mid[] ownTop() {
      @Nullable Mid[] own = top;
      if (own == null) {
        own = base.top.clone();
        top = own;
        topBits = base.topBits.clone();
        midCopied = new boolean[FAN];
      }
      return own;
    }

    private Mid mutableMid(int t) {
      @Nullable Mid[] own = ownTop();
      Mid mid = own[t];
      if (mid == null) {
        mid = new Mid(new Leaf[FAN], new long[WORDS]);
        own[t] = mid;
        set(topBits, t);
        midCopied[t] = true;
      } else if (!midCopied[t]) {
        mid = new Mid(mid.leaves.clone(), mid.bits.clone());
        own[t] = mid;
        midCopied[t] = true;
      }
      return mid;
    }

    /** Adds a point; adding one that is there already changes nothing. */
    void add(long position, AgentId owner) {
      int t = (int) (position >>> 56);
      int m = (int) (position >>> 48) & (FAN - 1);
      Mid mid = mutableMid(t);
      Leaf leaf = mid.leaves[m];
      if (leaf == null) {
        mid.leaves[m] = new Leaf(new long[] {position}, new AgentId[] {owner});
        set(mid.bits, m);
        count++;
        return;
      }
      int at = leaf.find(position, owner);
      if (at >= 0) {
        return;
      }
      int insert = -at - 1;
      int n = leaf.positions.length;
      long[] positions = new long[n + 1];
      AgentId[] owners = new AgentId[n + 1];
      System.arraycopy(leaf.positions, 0, positions, 0, insert);
      System.arraycopy(leaf.owners, 0, owners, 0, insert);
      positions[insert] = position;
      owners[insert] = owner;
      System.arraycopy(leaf.positions, insert, positions, insert + 1, n - insert);
      System.arraycopy(leaf.owners, insert, owners, insert + 1, n - insert);
      mid.leaves[m] = new Leaf(positions, owners);
      count++;
    }

    /** Removes a point; removing one that is not there changes nothing. */
    void remove(long position, AgentId owner) {
      int t = (int) (position >>> 56);
      int m = (int) (position >>> 48) & (FAN - 1);
      Mid current = top != null ? top[t] : base.top[t];
      if (current == null || current.leaves[m] == null) {
        return;
      }
      Leaf leaf = current.leaves[m];
      int at = leaf.find(position, owner);
      if (at < 0) {
        return;
      }
      Mid mid = mutableMid(t);
      int n = leaf.positions.length;
      count--;
      if (n == 1) {
        mid.leaves[m] = null;
        clear(mid.bits, m);
        if (nextSet(mid.bits, 0) < 0) {
          ownTop()[t] = null;
          clear(topBits, t);
          midCopied[t] = false;
        }
        return;
      }
      long[] positions = new long[n - 1];
      AgentId[] owners = new AgentId[n - 1];
      System.arraycopy(leaf.positions, 0, positions, 0, at);
      System.arraycopy(leaf.owners, 0, owners, 0, at);
      System.arraycopy(leaf.positions, at + 1, positions, at, n - 1 - at);
      System.arraycopy(leaf.owners, at + 1, owners, at, n - 1 - at);
      mid.leaves[m] = new Leaf(positions, owners);
    }

    /** The ring with every change of this batch. */
    RingPoints build() {
      return top == null ? base : new RingPoints(top, topBits, count);
    }
  }

  private static final class Mid {
    final @Nullable Leaf[] leaves;
    final long[] bits;

    Mid(@Nullable Leaf[] leaves, long[] bits) {
      this.leaves = leaves;
      this.bits = bits;
    }
  }

  private static final class Leaf {
    final long[] positions;
    final AgentId[] owners;

    Leaf(long[] positions, AgentId[] owners) {
      this.positions = positions;
      this.owners = owners;
    }

    /** The index of the first point at or after {@code position}, or the length. */
    int ceiling(long position) {
      int low = 0;
      int high = positions.length - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        if (Long.compareUnsigned(positions[mid], position) < 0) {
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
      return low;
    }

    /** The index of the point, or -(insertion point + 1). */
    int find(long position, AgentId owner) {
      int low = 0;
      int high = positions.length - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        int order = Long.compareUnsigned(positions[mid], position);
        if (order == 0) {
          order = owners[mid].compareTo(owner);
        }
        if (order < 0) {
          low = mid + 1;
        } else if (order > 0) {
          high = mid - 1;
        } else {
          return mid;
        }
      }
      return -(low + 1);
    }
  }
}
