package dev.acs.broker.core.agent;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The members of one availability tier in id order: a persistent B+tree whose branches count the
 * agents below each child, so the i-th member and an agent's position are found in O(log n) by
 * walking one path, and an insert or removal copies only that path (nodes of at most {@value #MAX}
 * entries). Immutable, so it is safe to share between threads.
 */
final class AgentTier {

  /** Most entries in a node: a copied path stays a few hundred words. */
  static final int MAX = 64;

  /** Fewest entries in a node other than the root; smaller nodes merge with a neighbour. */
  static final int MIN = MAX / 4;

  private static final int BULK = MAX * 3 / 4;

  static final AgentTier EMPTY = new AgentTier(null);

  private final @Nullable Object root;

  private AgentTier(@Nullable Object root) {
    this.root = root;
  }

  /** A tier of exactly these agents, which must be sorted by id without duplicates. */
  static AgentTier ofSorted(Agent[] sorted) {
    if (sorted.length == 0) {
      return EMPTY;
    }
    Object[] level = new Object[chunks(sorted.length)];
    for (int i = 0, from = 0; i < level.length; i++) {
      int to = (int) ((long) sorted.length * (i + 1) / level.length);
      level[i] = new Leaf(Arrays.copyOfRange(sorted, from, to));
      from = to;
    }
    while (level.length > 1) {
      Object[] up = new Object[chunks(level.length)];
      for (int i = 0, from = 0; i < up.length; i++) {
        int to = (int) ((long) level.length * (i + 1) / up.length);
        up[i] = Branch.of(Arrays.copyOfRange(level, from, to));
        from = to;
      }
      level = up;
    }
    return new AgentTier(level[0]);
  }

  private static int chunks(int entries) {
    return Math.max(1, (entries + BULK - 1) / BULK);
  }

  int size() {
    return root == null ? 0 : sizeOf(root);
  }

  /** The {@code index}-th member in id order. */
  Agent get(int index) {
    Object node = root;
    if (node == null || index < 0 || index >= sizeOf(node)) {
      throw new IndexOutOfBoundsException("index " + index + " of a tier of " + size());
    }
    int remaining = index;
    while (node instanceof Branch branch) {
      int child = 0;
      while (remaining >= branch.sizes[child]) {
        remaining -= branch.sizes[child];
        child++;
      }
      node = branch.children[child];
    }
    return ((Leaf) node).agents[remaining];
  }

  /** The position of the agent with this id, or -1 when it is not a member. */
  int indexOf(AgentId id) {
    Object node = root;
    if (node == null) {
      return -1;
    }
    int before = 0;
    while (node instanceof Branch branch) {
      int child = branch.childFor(id);
      for (int i = 0; i < child; i++) {
        before += branch.sizes[i];
      }
      node = branch.children[child];
    }
    int at = ((Leaf) node).search(id);
    return at < 0 ? -1 : before + at;
  }

  /** This tier with {@code agent} added, or replacing the member with its id. */
  AgentTier with(Agent agent) {
    if (root == null) {
      return new AgentTier(new Leaf(new Agent[] {agent}));
    }
    Object[] result = put(root, agent);
    return new AgentTier(result.length == 1 ? result[0] : Branch.of(result));
  }

  /** This tier without the member with this id. */
  AgentTier without(AgentId id) {
    if (root == null) {
      return this;
    }
    Object next = remove(root, id);
    if (next == root) {
      return this;
    }
    if (next instanceof Branch branch && branch.children.length == 1) {
      next = branch.children[0];
    }
    return sizeOf(next) == 0 ? EMPTY : new AgentTier(next);
  }

  /** Every member in id order; O(n), for tests and rebuilds. */
  Agent[] toArray() {
    Agent[] all = new Agent[size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = get(i);
    }
    return all;
  }

  /** Depth of the tree, for tests of the balance. */
  int height() {
    int height = 0;
    for (Object node = root; node != null; height++) {
      node = node instanceof Branch branch ? branch.children[0] : null;
    }
    return height;
  }

  private static int sizeOf(Object node) {
    return node instanceof Branch branch ? branch.size : ((Leaf) node).agents.length;
  }

  private static int width(Object node) {
    return node instanceof Branch branch ? branch.children.length : ((Leaf) node).agents.length;
  }

  private static AgentId firstId(Object node) {
    return node instanceof Branch branch ? branch.keys[0] : ((Leaf) node).agents[0].id();
  }

  /** One node, or two when it had to split. */
  private static Object[] put(Object node, Agent agent) {
    if (node instanceof Leaf leaf) {
      int at = leaf.search(agent.id());
      Agent[] agents;
      if (at >= 0) {
        agents = leaf.agents.clone();
        agents[at] = agent;
        return new Object[] {new Leaf(agents)};
      }
      int insert = -at - 1;
      agents = new Agent[leaf.agents.length + 1];
      System.arraycopy(leaf.agents, 0, agents, 0, insert);
      agents[insert] = agent;
      System.arraycopy(leaf.agents, insert, agents, insert + 1, leaf.agents.length - insert);
      if (agents.length <= MAX) {
        return new Object[] {new Leaf(agents)};
      }
      int half = agents.length / 2;
      return new Object[] {
        new Leaf(Arrays.copyOfRange(agents, 0, half)),
        new Leaf(Arrays.copyOfRange(agents, half, agents.length))
      };
    }
    Branch branch = (Branch) node;
    int child = branch.childFor(agent.id());
    Object[] replaced = put(branch.children[child], agent);
    Object[] children = new Object[branch.children.length + replaced.length - 1];
    System.arraycopy(branch.children, 0, children, 0, child);
    System.arraycopy(replaced, 0, children, child, replaced.length);
    System.arraycopy(
        branch.children,
        child + 1,
        children,
        child + replaced.length,
        branch.children.length - child - 1);
    if (children.length <= MAX) {
      return new Object[] {Branch.of(children)};
    }
    int half = children.length / 2;
    return new Object[] {
      Branch.of(Arrays.copyOfRange(children, 0, half)),
      Branch.of(Arrays.copyOfRange(children, half, children.length))
    };
  }

  /** The node without the member, possibly under-full (the parent mends that), or itself. */
  private static Object remove(Object node, AgentId id) {
    if (node instanceof Leaf leaf) {
      int at = leaf.search(id);
      if (at < 0) {
        return leaf;
      }
      Agent[] agents = new Agent[leaf.agents.length - 1];
      System.arraycopy(leaf.agents, 0, agents, 0, at);
      System.arraycopy(leaf.agents, at + 1, agents, at, agents.length - at);
      return new Leaf(agents);
    }
    Branch branch = (Branch) node;
    int child = branch.childFor(id);
    Object before = branch.children[child];
    Object after = remove(before, id);
    if (after == before) {
      return branch;
    }
    Object[] children = branch.children.clone();
    children[child] = after;
    if (sizeOf(after) == 0) {
      return Branch.of(without(children, child));
    }
    if (width(after) >= MIN || children.length == 1) {
      return Branch.of(children);
    }
    // Merge the thin child with a neighbour; split again when the two are too many for one.
    int left = child > 0 ? child - 1 : child;
    Object[] merged = merge(children[left], children[left + 1]);
    Object[] mended = new Object[children.length - 2 + merged.length];
    System.arraycopy(children, 0, mended, 0, left);
    System.arraycopy(merged, 0, mended, left, merged.length);
    System.arraycopy(children, left + 2, mended, left + merged.length, children.length - left - 2);
    return Branch.of(mended);
  }

  private static Object[] without(Object[] children, int index) {
    Object[] fewer = new Object[children.length - 1];
    System.arraycopy(children, 0, fewer, 0, index);
    System.arraycopy(children, index + 1, fewer, index, fewer.length - index);
    return fewer;
  }

  private static Object[] merge(Object first, Object second) {
    if (first instanceof Leaf a) {
      Agent[] all = concat(a.agents, ((Leaf) second).agents);
      if (all.length <= MAX) {
        return new Object[] {new Leaf(all)};
      }
      int half = all.length / 2;
      return new Object[] {
        new Leaf(Arrays.copyOfRange(all, 0, half)),
        new Leaf(Arrays.copyOfRange(all, half, all.length))
      };
    }
    Object[] all = concat(((Branch) first).children, ((Branch) second).children);
    if (all.length <= MAX) {
      return new Object[] {Branch.of(all)};
    }
    int half = all.length / 2;
    return new Object[] {
      Branch.of(Arrays.copyOfRange(all, 0, half)),
      Branch.of(Arrays.copyOfRange(all, half, all.length))
    };
  }

  private static <T> T[] concat(T[] first, T[] second) {
    T[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  private static final class Leaf {
    final Agent[] agents;

    Leaf(Agent[] agents) {
      this.agents = agents;
    }

    int search(AgentId id) {
      int low = 0;
      int high = agents.length - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        int order = agents[mid].id().compareTo(id);
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

  private static final class Branch {
    final Object[] children;
    final int[] sizes;
    final AgentId[] keys;
    final int size;

    private Branch(Object[] children, int[] sizes, AgentId[] keys, int size) {
      this.children = children;
      this.sizes = sizes;
      this.keys = keys;
      this.size = size;
    }

    static Branch of(Object[] children) {
      int[] sizes = new int[children.length];
      AgentId[] keys = new AgentId[children.length];
      int total = 0;
      for (int i = 0; i < children.length; i++) {
        sizes[i] = sizeOf(children[i]);
        keys[i] = firstId(children[i]);
        total += sizes[i];
      }
      return new Branch(children, sizes, keys, total);
    }

    /** The child whose range holds {@code id}: the last one whose first id is not above it. */
    int childFor(AgentId id) {
      int low = 1;
      int high = children.length - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        if (keys[mid].compareTo(id) <= 0) {
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
      return low - 1;
    }
  }
}
