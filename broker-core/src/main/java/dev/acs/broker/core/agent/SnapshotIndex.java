package dev.acs.broker.core.agent;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The ids of a snapshot in an open-addressing table of positions, for {@link
 * AgentChanges#fromSnapshot}: one int array instead of a hash map's node per agent, so diffing
 * 100,000 agents allocates little and misses the cache less. Of two entries with one id the later
 * wins; the earlier is marked superseded. Used by one thread, once.
 */
final class SnapshotIndex {
  private final List<Agent> snapshot;
  private final int[] slots;
  private final int mask;
  private boolean @Nullable [] superseded;

  SnapshotIndex(List<Agent> snapshot) {
    this.snapshot = snapshot;
    int capacity = Integer.highestOneBit(Math.max(2, snapshot.size()) * 2 - 1) << 1;
    this.slots = new int[capacity];
    this.mask = capacity - 1;
    for (int i = 0; i < snapshot.size(); i++) {
      AgentId id = snapshot.get(i).id();
      int slot = slotOf(id);
      while (true) {
        int held = slots[slot] - 1;
        if (held < 0) {
          slots[slot] = i + 1;
          break;
        }
        if (snapshot.get(held).id().equals(id)) {
          if (superseded == null) {
            superseded = new boolean[snapshot.size()];
          }
          superseded[held] = true;
          slots[slot] = i + 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  }

  private int slotOf(AgentId id) {
    int h = id.value().hashCode() * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }

  boolean isSuperseded(int position) {
    return superseded != null && superseded[position];
  }

  boolean contains(AgentId id) {
    for (int slot = slotOf(id); ; slot = (slot + 1) & mask) {
      int held = slots[slot] - 1;
      if (held < 0) {
        return false;
      }
      if (snapshot.get(held).id().equals(id)) {
        return true;
      }
    }
  }
}
