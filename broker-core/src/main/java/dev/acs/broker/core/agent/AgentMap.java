package dev.acs.broker.core.agent;

import java.util.AbstractCollection;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * A persistent map from agent id to agent: a hash array mapped trie (32-way nodes indexed by a
 * bitmap) whose updates copy only the path to the changed entry, O(log₃₂ n) nodes of at most 32
 * slots, and share everything else with the map they came from. Lookups read at most seven small
 * arrays and never allocate. Immutable, so it is safe to share between threads.
 *
 * <p>Longer than the project's ~350 lines on purpose: a persistent trie is one data structure whose
 * node kinds (branch, collision, their mutable builders) and operations (lookup, path-copying put
 * and remove, one-pass bulk build, walk) rely on each other's invariants; split over files, each
 * part would need the others' private layout.
 */
final class AgentMap {

  private static final int BITS = 5;
  private static final int MASK = (1 << BITS) - 1;

  static final AgentMap EMPTY = new AgentMap(null, 0);

  private final @Nullable Object root;
  private final int size;

  private AgentMap(@Nullable Object root, int size) {
    this.root = root;
    this.size = size;
  }

  int size() {
    return size;
  }

  @Nullable Agent get(AgentId id) {
    int hash = hash(id);
    Object node = root;
    int shift = 0;
    while (node != null) {
      if (node instanceof Agent agent) {
        return agent.id().equals(id) ? agent : null;
      }
      if (node instanceof Collision collision) {
        return collision.hash == hash ? collision.find(id) : null;
      }
      Branch branch = (Branch) node;
      int bit = 1 << ((hash >>> shift) & MASK);
      if ((branch.bitmap & bit) == 0) {
        return null;
      }
      node = branch.slots[Integer.bitCount(branch.bitmap & (bit - 1))];
      shift += BITS;
    }
    return null;
  }

  /**
   * The map of these agents (a later one replacing an earlier one with its id), built in one pass
   * over mutable nodes that only this call sees and then frozen, instead of copying a path per
   * agent. Inserting in the same order gives the same trie as repeated {@link #with}.
   */
  static AgentMap ofAll(Iterable<Agent> agents) {
    int[] size = {0};
    Object root = null;
    for (Agent agent : agents) {
      root = putMutable(root, 0, hash(agent.id()), agent, size);
    }
    return root == null ? EMPTY : new AgentMap(freeze(root), size[0]);
  }

  private static Object putMutable(
      @Nullable Object node, int shift, int hash, Agent agent, int[] size) {
    if (node == null) {
      size[0]++;
      return agent;
    }
    if (node instanceof Agent existing && existing.id().equals(agent.id())) {
      return agent;
    }
    if (node instanceof MutableBranch branch) {
      int index = (hash >>> shift) & MASK;
      branch.slots[index] = putMutable(branch.slots[index], shift + BITS, hash, agent, size);
      return branch;
    }
    int heldHash =
        node instanceof MutableCollision collision ? collision.hash : hash(((Agent) node).id());
    if (heldHash == hash) {
      if (shift >= 32) {
        MutableCollision collision =
            node instanceof MutableCollision held ? held : new MutableCollision(hash, (Agent) node);
        collision.put(agent, size);
        return collision;
      }
    }
    // Two entries share the prefix so far: a branch holds the old one, then takes the new one.
    MutableBranch branch = new MutableBranch();
    branch.slots[(heldHash >>> shift) & MASK] = node;
    return putMutable(branch, shift, hash, agent, size);
  }

  private static Object freeze(Object node) {
    if (node instanceof MutableBranch branch) {
      int bitmap = 0;
      int count = 0;
      for (int i = 0; i < branch.slots.length; i++) {
        if (branch.slots[i] != null) {
          bitmap |= 1 << i;
          count++;
        }
      }
      Object[] slots = new Object[count];
      for (int i = 0, at = 0; i < branch.slots.length; i++) {
        if (branch.slots[i] != null) {
          slots[at++] = freeze(branch.slots[i]);
        }
      }
      return new Branch(bitmap, slots);
    }
    if (node instanceof MutableCollision collision) {
      return new Collision(collision.hash, collision.agents.toArray(Agent[]::new));
    }
    return node;
  }

  /** A branch of a map under construction: all 32 slots, changed in place. */
  private static final class MutableBranch {
    final @Nullable Object[] slots = new Object[1 << BITS];
  }

  /** Colliding agents of a map under construction, in insertion order. */
  private static final class MutableCollision {
    final int hash;
    final java.util.List<Agent> agents = new java.util.ArrayList<>(2);

    MutableCollision(int hash, Agent first) {
      this.hash = hash;
      agents.add(first);
    }

    void put(Agent agent, int[] size) {
      for (int i = 0; i < agents.size(); i++) {
        if (agents.get(i).id().equals(agent.id())) {
          agents.set(i, agent);
          return;
        }
      }
      agents.add(agent);
      size[0]++;
    }
  }

  /** Whether the two maps are the same trie node for node; for tests. */
  boolean sameTrieAs(AgentMap other) {
    return size == other.size && sameNode(root, other.root);
  }

  private static boolean sameNode(@Nullable Object a, @Nullable Object b) {
    if (a instanceof Branch x && b instanceof Branch y) {
      if (x.bitmap != y.bitmap || x.slots.length != y.slots.length) {
        return false;
      }
      for (int i = 0; i < x.slots.length; i++) {
        if (!sameNode(x.slots[i], y.slots[i])) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Collision x && b instanceof Collision y) {
      return x.hash == y.hash && Arrays.equals(x.agents, y.agents);
    }
    return a == b;
  }

  /** This map with {@code agent} added or replacing the agent with its id. */
  AgentMap with(Agent agent) {
    int hash = hash(agent.id());
    boolean[] added = {root == null};
    Object next = root == null ? agent : put(root, 0, hash, agent, added);
    return next == root ? this : new AgentMap(next, added[0] ? size + 1 : size);
  }

  /** This map without the agent with this id. */
  AgentMap without(AgentId id) {
    if (root == null) {
      return this;
    }
    Object next = remove(root, 0, hash(id), id);
    return next == root ? this : new AgentMap(next, size - 1);
  }

  /** Every agent, in no particular order, as a read-only collection. */
  java.util.Collection<Agent> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<Agent> iterator() {
        return new Walk(root);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /** Spreads {@link String#hashCode()} (cached by the string) so the trie's levels fill evenly. */
  private static int hash(AgentId id) {
    int h = id.value().hashCode() * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  // Identity on purpose: the very same record changes nothing, so the node is shared, not copied.
  @SuppressWarnings("ReferenceEquality")
  private static Object put(Object node, int shift, int hash, Agent agent, boolean[] added) {
    if (node instanceof Agent existing) {
      if (existing.id().equals(agent.id())) {
        return existing == agent ? existing : agent;
      }
      added[0] = true;
      return pair(existing, hash(existing.id()), agent, hash, shift);
    }
    if (node instanceof Collision collision) {
      if (collision.hash == hash) {
        return collision.with(agent, added);
      }
      added[0] = true;
      // A collision node sits where both hashes have agreed so far; split by the next bits.
      return pair(collision, collision.hash, agent, hash, shift);
    }
    Branch branch = (Branch) node;
    int bit = 1 << ((hash >>> shift) & MASK);
    int index = Integer.bitCount(branch.bitmap & (bit - 1));
    if ((branch.bitmap & bit) == 0) {
      added[0] = true;
      Object[] slots = new Object[branch.slots.length + 1];
      System.arraycopy(branch.slots, 0, slots, 0, index);
      slots[index] = agent;
      System.arraycopy(branch.slots, index, slots, index + 1, branch.slots.length - index);
      return new Branch(branch.bitmap | bit, slots);
    }
    Object child = branch.slots[index];
    Object replaced = put(child, shift + BITS, hash, agent, added);
    if (replaced == child) {
      return branch;
    }
    Object[] slots = branch.slots.clone();
    slots[index] = replaced;
    return new Branch(branch.bitmap, slots);
  }

  /** A node holding two entries whose hashes agree below {@code shift}. */
  private static Object pair(Object first, int firstHash, Agent second, int secondHash, int shift) {
    if (shift >= 32) {
      // Every bit agrees: only possible when the hashes are equal.
      Agent[] both =
          first instanceof Collision collision
              ? Arrays.copyOf(collision.agents, collision.agents.length + 1)
              : new Agent[] {(Agent) first, null};
      both[both.length - 1] = second;
      return new Collision(secondHash, both);
    }
    int firstBit = 1 << ((firstHash >>> shift) & MASK);
    int secondBit = 1 << ((secondHash >>> shift) & MASK);
    if (firstBit == secondBit) {
      return new Branch(
          firstBit, new Object[] {pair(first, firstHash, second, secondHash, shift + BITS)});
    }
    Object[] slots =
        Integer.compareUnsigned(firstBit, secondBit) < 0
            ? new Object[] {first, second}
            : new Object[] {second, first};
    return new Branch(firstBit | secondBit, slots);
  }

  /** The node without the agent, {@code null} when it became empty, or the node itself. */
  private static @Nullable Object remove(Object node, int shift, int hash, AgentId id) {
    if (node instanceof Agent existing) {
      return existing.id().equals(id) ? null : existing;
    }
    if (node instanceof Collision collision) {
      return collision.hash == hash ? collision.without(id) : collision;
    }
    Branch branch = (Branch) node;
    int bit = 1 << ((hash >>> shift) & MASK);
    if ((branch.bitmap & bit) == 0) {
      return branch;
    }
    int index = Integer.bitCount(branch.bitmap & (bit - 1));
    Object child = branch.slots[index];
    Object replaced = remove(child, shift + BITS, hash, id);
    if (replaced == child) {
      return branch;
    }
    if (replaced == null) {
      if (branch.slots.length == 1) {
        return null;
      }
      Object[] slots = new Object[branch.slots.length - 1];
      System.arraycopy(branch.slots, 0, slots, 0, index);
      System.arraycopy(branch.slots, index + 1, slots, index, slots.length - index);
      // A branch left with a single agent collapses into it, so churn leaves no chains behind.
      if (slots.length == 1 && slots[0] instanceof Agent only) {
        return only;
      }
      return new Branch(branch.bitmap & ~bit, slots);
    }
    if (branch.slots.length == 1 && !(replaced instanceof Branch)) {
      return replaced;
    }
    Object[] slots = branch.slots.clone();
    slots[index] = replaced;
    return new Branch(branch.bitmap, slots);
  }

  private static final class Branch {
    final int bitmap;
    final Object[] slots;

    Branch(int bitmap, Object[] slots) {
      this.bitmap = bitmap;
      this.slots = slots;
    }
  }

  /** Agents whose spread hashes are equal in all 32 bits. */
  private static final class Collision {
    final int hash;
    final Agent[] agents;

    Collision(int hash, Agent[] agents) {
      this.hash = hash;
      this.agents = agents;
    }

    @Nullable Agent find(AgentId id) {
      for (Agent agent : agents) {
        if (agent.id().equals(id)) {
          return agent;
        }
      }
      return null;
    }

    // Identity on purpose, as in put: the same record leaves the collision node as it is.
    @SuppressWarnings("ReferenceEquality")
    Object with(Agent agent, boolean[] added) {
      for (int i = 0; i < agents.length; i++) {
        if (agents[i].id().equals(agent.id())) {
          if (agents[i] == agent) {
            return this;
          }
          Agent[] copy = agents.clone();
          copy[i] = agent;
          return new Collision(hash, copy);
        }
      }
      added[0] = true;
      Agent[] copy = Arrays.copyOf(agents, agents.length + 1);
      copy[agents.length] = agent;
      return new Collision(hash, copy);
    }

    Object without(AgentId id) {
      for (int i = 0; i < agents.length; i++) {
        if (agents[i].id().equals(id)) {
          if (agents.length == 2) {
            return agents[1 - i];
          }
          Agent[] copy = new Agent[agents.length - 1];
          System.arraycopy(agents, 0, copy, 0, i);
          System.arraycopy(agents, i + 1, copy, i, copy.length - i);
          return new Collision(hash, copy);
        }
      }
      return this;
    }
  }

  /** Depth-first walk over the trie with an explicit stack. */
  private static final class Walk implements Iterator<Agent> {
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private Agent @Nullable [] collision;
    private int collisionIndex;

    Walk(@Nullable Object root) {
      if (root != null) {
        pending.push(root);
      }
    }

    @Override
    public boolean hasNext() {
      return (collision != null && collisionIndex < collision.length) || !pending.isEmpty();
    }

    @Override
    public Agent next() {
      while (true) {
        if (collision != null && collisionIndex < collision.length) {
          return collision[collisionIndex++];
        }
        collision = null;
        if (pending.isEmpty()) {
          throw new NoSuchElementException();
        }
        Object node = pending.pop();
        if (node instanceof Agent agent) {
          return agent;
        }
        if (node instanceof Collision c) {
          collision = c.agents;
          collisionIndex = 0;
          continue;
        }
        Object[] slots = ((Branch) node).slots;
        for (int i = slots.length - 1; i >= 0; i--) {
          pending.push(slots[i]);
        }
      }
    }
  }
}
