package dev.acs.broker.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.testing.Agents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random sequences of deltas and snapshots, applied to the registry's persistent structures and to
 * a naive model (a sorted map rebuilt from scratch), must give the same agents, the same tiers in
 * the same order, the same positions and the same sticky owners. Seeded, so a failure repeats.
 */
class PersistentViewPropertyTest {

  private static final AgentState[] STATES = AgentState.values();

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4})
  void registry_matchesANaiveModel_underRandomDeltasAndSnapshots(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Availability availability =
        seed % 2 == 0 ? Availability.preferIdle() : Availability.reference();
    AgentRegistry registry = new AgentRegistry(availability, java.time.Clock.systemUTC());
    Map<AgentId, Agent> model = new HashMap<>();
    int idSpace = 20 + random.nextInt(200);
    List<AgentView> history = new ArrayList<>();
    for (int step = 0; step < 40; step++) {
      int kind = random.nextInt(10);
      if (kind == 0) {
        List<Agent> snapshot = new ArrayList<>();
        int count = random.nextInt(idSpace);
        for (int i = 0; i < count; i++) {
          snapshot.add(randomAgent(random, idSpace));
        }
        registry.apply(AgentStatusUpdate.snapshot(snapshot));
        model.clear();
        snapshot.forEach(a -> model.put(a.id(), a));
      } else if (kind == 1 && !model.isEmpty()) {
        // A snapshot that repeats the view with a few changes and removals: the diff path.
        List<Agent> snapshot = new ArrayList<>();
        for (Agent agent : model.values()) {
          int roll = random.nextInt(20);
          if (roll == 0) {
            continue;
          }
          snapshot.add(roll == 1 ? withState(agent, random) : agent);
        }
        snapshot.add(randomAgent(random, idSpace));
        registry.apply(AgentStatusUpdate.snapshot(snapshot));
        model.clear();
        snapshot.forEach(a -> model.put(a.id(), a));
      } else {
        List<Agent> delta = new ArrayList<>();
        int count = 1 + random.nextInt(kind == 2 ? 200 : 4);
        for (int i = 0; i < count; i++) {
          delta.add(randomAgent(random, idSpace));
        }
        registry.apply(AgentStatusUpdate.delta(delta));
        delta.forEach(a -> model.put(a.id(), a));
      }
      history.add(registry.view());
      assertMatches(registry.view(), model, random);
    }
    // Earlier views are untouched by later updates (persistence).
    AgentView first = history.get(0);
    assertThat(first.agents()).hasSize(first.size());
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void agentTier_matchesASortedMap_throughInsertsAndRemovals(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    AgentTier tier = AgentTier.EMPTY;
    TreeMap<AgentId, Agent> model = new TreeMap<>();
    for (int step = 0; step < 8_000; step++) {
      Agent agent = randomAgent(random, 3_000);
      if (random.nextInt(3) == 0) {
        tier = tier.without(agent.id());
        model.remove(agent.id());
      } else {
        tier = tier.with(agent);
        model.put(agent.id(), agent);
      }
      if (step % 1_000 == 0 || step > 7_950) {
        assertThat(tier.toArray()).containsExactlyElementsOf(model.values());
        int index = 0;
        for (AgentId id : model.keySet()) {
          assertThat(tier.indexOf(id)).isEqualTo(index++);
        }
        assertThat(tier.indexOf(AgentId.of("absent"))).isEqualTo(-1);
      }
    }
    // Empty it completely: the tree must shrink back and stay balanced on the way.
    for (AgentId id : new ArrayList<>(model.keySet())) {
      tier = tier.without(id);
      model.remove(id);
      assertThat(tier.size()).isEqualTo(model.size());
    }
    assertThat(tier.height()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100, 5_000, 100_000})
  void agentTier_builtFromSortedArray_isBalancedAndIndexable(int size) {
    Agent[] agents = new Agent[size];
    for (int i = 0; i < size; i++) {
      agents[i] = Agents.idle(String.format("agent-%06d", i));
    }
    AgentTier tier = AgentTier.ofSorted(agents);
    assertThat(tier.size()).isEqualTo(size);
    for (int i = 0; i < size; i += Math.max(1, size / 997)) {
      assertThat(tier.get(i)).isSameAs(agents[i]);
      assertThat(tier.indexOf(agents[i].id())).isEqualTo(i);
    }
    assertThat(tier.height()).isLessThanOrEqualTo(size == 0 ? 0 : 4);
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22})
  void agentMap_matchesAHashMap_includingCollidingIds(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    AgentMap map = AgentMap.EMPTY;
    Map<AgentId, Agent> model = new HashMap<>();
    // "Aa" and "BB" have the same String.hashCode, so ids built from them collide in every bit.
    String[] colliding = {"AaAa", "AaBB", "BBAa", "BBBB"};
    for (int step = 0; step < 10_000; step++) {
      String id =
          random.nextInt(10) == 0
              ? colliding[random.nextInt(colliding.length)]
              : "agent-" + random.nextInt(2_000);
      if (random.nextInt(3) == 0) {
        map = map.without(AgentId.of(id));
        model.remove(AgentId.of(id));
      } else {
        Agent agent = Agents.inState(id, STATES[random.nextInt(STATES.length)]);
        map = map.with(agent);
        model.put(agent.id(), agent);
      }
      if (map.size() != model.size()) {
        assertThat(map.size()).as("size after step %d", step).isEqualTo(model.size());
      }
      if (step % 997 == 0) {
        assertThat(map.values()).containsExactlyInAnyOrderElementsOf(model.values());
        for (Map.Entry<AgentId, Agent> entry : model.entrySet()) {
          assertThat(map.get(entry.getKey())).isSameAs(entry.getValue());
        }
      }
      if (map.get(AgentId.of(id)) != model.get(AgentId.of(id))) {
        assertThat(map.get(AgentId.of(id))).isSameAs(model.get(AgentId.of(id)));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {31, 32})
  void ringPoints_matchAScanOfEveryPoint_throughJoinsAndLeaves(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    RingPoints ring = RingPoints.EMPTY;
    List<AgentId> members = new ArrayList<>();
    for (int step = 0; step < 400; step++) {
      RingPoints.Editor editor = ring.edit();
      int changes = 1 + random.nextInt(5);
      for (int c = 0; c < changes; c++) {
        int roll = random.nextInt(4);
        if (!members.isEmpty() && roll == 0) {
          AgentId gone = members.remove(random.nextInt(members.size()));
          HashRing.removePoints(editor, gone);
        } else if (!members.isEmpty() && roll == 1) {
          // A member's points added again (an equal id, another object): nothing changes.
          HashRing.addPoints(
              editor, AgentId.of(members.get(random.nextInt(members.size())).value()));
        } else {
          AgentId joined = AgentId.of("agent-" + random.nextInt(1_000_000));
          if (!members.contains(joined)) {
            members.add(joined);
            HashRing.addPoints(editor, joined);
          }
        }
      }
      RingPoints before = ring;
      int countBefore = before.count();
      ring = editor.build();
      assertThat(before.count()).isEqualTo(countBefore);
      assertThat(ring.count()).isEqualTo(members.size() * HashRing.POINTS_PER_AGENT);
      for (int k = 0; k < 50; k++) {
        long position = random.nextLong();
        AgentId excluded = members.isEmpty() ? null : members.get(random.nextInt(members.size()));
        AgentId owner = ring.owner(position, excluded);
        assertThat(owner).isSameAs(ring.ownerByScan(position, excluded));
        assertThat(ring.owner(position, null)).isSameAs(ring.ownerByScan(position, null));
        if (owner != null) {
          assertThat(members).contains(owner);
          assertThat(owner).isNotEqualTo(excluded);
        }
      }
    }
    // The incremental ring equals the one built in one go from the same agents.
    long[] positions = new long[members.size() * HashRing.POINTS_PER_AGENT];
    AgentId[] owners = new AgentId[positions.length];
    int next = 0;
    for (AgentId member : members) {
      next = HashRing.pointsOf(member, positions, owners, next);
    }
    RingPoints bulk = RingPoints.of(positions, owners, next);
    for (int k = 0; k < 2_000; k++) {
      long position = random.nextLong();
      assertThat(bulk.owner(position, null)).isEqualTo(ring.owner(position, null));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {81, 82, 83})
  void ringBulkBuild_ordersTiesAndNearlyEqualPositions_likePointByPointInserts(long seed) {
    // Real positions are hashes and almost never tie; these are crowded on purpose into a few
    // buckets of one group (so the group-local index overwrites the lowest position bits of the
    // bulk build's sort keys), with exact ties owned by different ids and positions differing
    // only in their lowest bits: the cases the bulk build's check after the fill must mend.
    SplittableRandom random = new SplittableRandom(seed);
    int length = 3_000;
    long[] positions = new long[length];
    AgentId[] owners = new AgentId[length];
    long[] bases = new long[40];
    for (int b = 0; b < bases.length; b++) {
      bases[b] = (0xA5L << 56) | ((long) random.nextInt(4) << 48) | (random.nextLong() >>> 16);
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    int n = 0;
    while (n < length) {
      long position = bases[random.nextInt(bases.length)] ^ random.nextInt(8);
      if (random.nextInt(50) == 0) {
        position = random.nextLong(); // a few elsewhere on the ring
      }
      AgentId owner = AgentId.of("agent-" + random.nextInt(500));
      if (seen.add(position + "/" + owner.value())) {
        positions[n] = position;
        owners[n] = owner;
        n++;
      }
    }
    RingPoints bulk = RingPoints.of(positions, owners, length);
    RingPoints.Editor editor = RingPoints.EMPTY.edit();
    for (int i = 0; i < length; i++) {
      editor.add(positions[i], owners[i]);
    }
    RingPoints inserted = editor.build();
    assertThat(bulk.count()).isEqualTo(inserted.count()).isEqualTo(length);
    for (int k = 0; k < 3_000; k++) {
      long probe = positions[random.nextInt(length)] + random.nextInt(3) - 1;
      AgentId excluded = random.nextBoolean() ? null : owners[random.nextInt(length)];
      AgentId owner = bulk.owner(probe, excluded);
      assertThat(owner).isEqualTo(inserted.owner(probe, excluded));
      assertThat(owner).isEqualTo(bulk.ownerByScan(probe, excluded));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {71, 72, 73, 74, 75, 76})
  void idOrder_sortsLikeTheIdComparator(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    // Ids sharing long prefixes, ids that are prefixes of others, digits and letters, characters
    // beyond Latin-1 (wider keys), and duplicates: the key's ties and its width both get exercised.
    String[] prefixes = {"", "agent-", "agent-0", "a", "Ω-", "node-eu-west-1-"};
    String alphabet = random.nextBoolean() ? "0123456789" : "09az-_AZ\u00e9\u4e2d\uffff";
    int count = new int[] {2, 3, 17, 1_000, 5_000, 70_000}[(int) (seed - 71)];
    Agent[] agents = new Agent[count];
    for (int i = 0; i < count; i++) {
      StringBuilder id = new StringBuilder(prefixes[random.nextInt(seed % 2 == 0 ? 2 : 6)]);
      int length = 1 + random.nextInt(seed % 3 == 0 ? 3 : 12);
      for (int c = 0; c < length; c++) {
        id.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      agents[i] = Agents.idle(id.toString());
    }
    Agent[] expected = agents.clone();
    java.util.Arrays.sort(expected, Comparator.comparing(Agent::id));
    Agent[] sorted = agents.clone();
    IdOrder.sort(sorted, count);
    assertThat(java.util.Arrays.stream(sorted).map(Agent::id).toList())
        .containsExactlyElementsOf(java.util.Arrays.stream(expected).map(Agent::id).toList());
    // Only the first length entries are sorted; the rest stay where they were.
    Agent[] partly = agents.clone();
    IdOrder.sort(partly, count / 2);
    assertThat(partly[count - 1]).isSameAs(agents[count - 1]);
  }

  @ParameterizedTest
  @ValueSource(longs = {61, 62})
  void stateChangeWithinRoutableTiers_sharesTheRingPoints_andResolvesTheNewRecord(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      agents.add(i % 3 == 0 ? Agents.busy("agent-" + i) : Agents.idle("agent-" + i));
    }
    AgentRegistry registry =
        new AgentRegistry(Availability.preferIdle(), java.time.Clock.systemUTC());
    registry.apply(AgentStatusUpdate.snapshot(agents));
    for (int step = 0; step < 200; step++) {
      AgentView before = registry.view();
      Agent agent = agents.get(random.nextInt(agents.size()));
      boolean leaves = random.nextInt(5) == 0;
      AgentState state =
          leaves
              ? AgentState.OFFLINE
              : before.get(agent.id()).state() == AgentState.IDLE
                  ? AgentState.BUSY
                  : AgentState.IDLE;
      Agent changed = Agents.inState(agent.id().value(), state);
      AgentView after = registry.apply(AgentStatusUpdate.delta(List.of(changed)));

      boolean routableBefore = before.isAvailable(agent.id());
      if (routableBefore && !leaves) {
        // busy <-> idle: not one ring node copied, and the ring answers with the new record.
        assertThat(after.ring().points()).isSameAs(before.ring().points());
      } else {
        assertThat(after.ring().pointCount())
            .isEqualTo(after.availableCount() * HashRing.POINTS_PER_AGENT);
      }
      for (int k = 0; k < 20; k++) {
        String key = "web_" + random.nextInt(1_000_000);
        Agent owner = after.ring().owner(key, null);
        assertThat(owner).isSameAs(after.get(owner.id()));
        // The same conversation keeps its agent unless that agent left or was the one changed.
        Agent previous = before.ring().owner(key, null);
        assertThat(previous).isSameAs(before.get(previous.id()));
        if (!previous.id().equals(agent.id()) && !(leaves && routableBefore)) {
          assertThat(owner.id()).isEqualTo(previous.id());
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {41, 42, 43, 44})
  void bulkBuiltStructures_equalIncrementallyBuiltOnes(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] colliding = {"AaAa", "AaBB", "BBAa", "BBBB"};
    int count = 200 + random.nextInt(4_000);
    List<Agent> inserted = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id =
          random.nextInt(20) == 0
              ? colliding[random.nextInt(colliding.length)]
              : "agent-" + random.nextInt(count * 2);
      inserted.add(Agents.inState(id, STATES[random.nextInt(STATES.length)]));
    }
    Map<AgentId, Agent> latest = new LinkedHashMap<>();
    inserted.forEach(a -> latest.put(a.id(), a));

    // The map: the same inserts (duplicates included, the later winning) give the same trie.
    AgentMap incremental = AgentMap.EMPTY;
    for (Agent agent : inserted) {
      incremental = incremental.with(agent);
    }
    AgentMap bulk = AgentMap.ofAll(inserted);
    assertThat(bulk.sameTrieAs(incremental)).isTrue();
    assertThat(bulk.size()).isEqualTo(latest.size());
    assertThat(bulk.values()).containsExactlyInAnyOrderElementsOf(latest.values());
    for (Agent agent : latest.values()) {
      assertThat(bulk.get(agent.id())).isSameAs(agent);
    }

    // Whole views: a first snapshot takes the bulk path, the same changes one at a time do not.
    Availability availability =
        seed % 2 == 0 ? Availability.preferIdle() : Availability.reference();
    AgentView empty = AgentView.empty(availability);
    List<AgentChange> first = AgentChanges.fromSnapshot(empty, inserted);
    AgentView bulkView = empty.changedBy(1, Instant.EPOCH, first);
    AgentView stepView = oneChangeAtATime(empty, first);
    assertSameView(bulkView, stepView, random);

    // A snapshot changing more than a quarter of a populated view: the bulk rebuild again.
    List<Agent> second = new ArrayList<>();
    for (Agent agent : latest.values()) {
      int roll = random.nextInt(10);
      if (roll == 0) {
        continue; // gone
      }
      second.add(roll < 5 ? withState(agent, random) : agent);
    }
    for (int i = 0; i < count / 5; i++) {
      second.add(Agents.idle("joined-" + random.nextInt(count)));
    }
    List<AgentChange> changes = AgentChanges.fromSnapshot(bulkView, second);
    assertThat(changes.size()).isGreaterThan(Math.max(64, bulkView.size() / 4));
    assertSameView(
        bulkView.changedBy(2, Instant.EPOCH, changes),
        oneChangeAtATime(stepView, AgentChanges.fromSnapshot(stepView, second)),
        random);
  }

  @ParameterizedTest
  @ValueSource(longs = {51, 52, 53, 54})
  void without_equalsAViewBuiltWithoutThoseAgents(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int count = 100 + random.nextInt(3_000);
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      agents.add(Agents.inState("agent-" + i, STATES[random.nextInt(STATES.length)]));
    }
    Availability availability =
        seed % 2 == 0 ? Availability.preferIdle() : Availability.reference();
    AgentView view = AgentView.of(7, Instant.EPOCH, availability, agents);
    // A few suspects (patched), then more than a quarter of the fleet (rebuilt), each with ids the
    // view does not hold mixed in.
    for (int removed : new int[] {1, 1 + random.nextInt(20), count / 3}) {
      List<AgentId> gone = new ArrayList<>();
      java.util.Set<AgentId> goneSet = new java.util.HashSet<>();
      while (goneSet.size() < removed) {
        AgentId id = agents.get(random.nextInt(count)).id();
        if (goneSet.add(id)) {
          gone.add(id);
        }
      }
      gone.add(AgentId.of("not-in-the-view"));
      List<Agent> kept = agents.stream().filter(a -> !goneSet.contains(a.id())).toList();

      AgentView without = view.without(gone);

      assertThat(without.version()).isEqualTo(view.version());
      assertThat(without.updatedAt()).isEqualTo(view.updatedAt());
      assertSameView(AgentView.of(7, Instant.EPOCH, availability, kept), without, random);
      assertThat(view.size()).isEqualTo(count); // the view itself is unchanged
    }
    assertThat(view.without(List.of(AgentId.of("not-in-the-view")))).isSameAs(view);
  }

  private static AgentView oneChangeAtATime(AgentView view, List<AgentChange> changes) {
    AgentView current = view;
    for (AgentChange change : changes) {
      current = current.changedBy(current.version() + 1, Instant.EPOCH, List.of(change));
    }
    return current;
  }

  private static void assertSameView(AgentView bulk, AgentView step, SplittableRandom random) {
    assertThat(bulk.size()).isEqualTo(step.size());
    assertThat(bulk.agents()).containsExactlyInAnyOrderElementsOf(step.agents());
    assertThat(bulk.availableCount()).isEqualTo(step.availableCount());
    for (int tier = 0; tier < step.tierCount(); tier++) {
      assertThat(bulk.tierSize(tier)).isEqualTo(step.tierSize(tier));
      for (int i = 0; i < step.tierSize(tier); i++) {
        assertThat(bulk.member(tier, i)).isSameAs(step.member(tier, i));
      }
    }
    assertThat(bulk.ring().size()).isEqualTo(step.ring().size());
    assertThat(bulk.ring().pointCount()).isEqualTo(step.ring().pointCount());
    List<Agent> agents = new ArrayList<>(step.agents());
    for (int k = 0; k < 2_000; k++) {
      String key = "conversation-" + random.nextLong();
      AgentId excluded = agents.get(random.nextInt(agents.size())).id();
      assertThat(bulk.ring().owner(key, null)).isSameAs(step.ring().owner(key, null));
      assertThat(bulk.ring().owner(key, excluded)).isSameAs(step.ring().owner(key, excluded));
    }
  }

  private static void assertMatches(
      AgentView view, Map<AgentId, Agent> model, SplittableRandom random) {
    assertThat(view.size()).isEqualTo(model.size());
    assertThat(view.agents()).containsExactlyInAnyOrderElementsOf(model.values());
    AgentView naive =
        AgentView.of(0, Instant.EPOCH, view.availability(), new ArrayList<>(model.values()));
    assertThat(view.tierCount()).isEqualTo(naive.tierCount());
    int available = 0;
    for (int tier = 0; tier < view.tierCount(); tier++) {
      int wanted = tier;
      List<Agent> expected =
          model.values().stream()
              .filter(a -> view.availability().tierOf(a.state()) == wanted)
              .sorted(Comparator.comparing(Agent::id))
              .toList();
      assertThat(view.tierSize(tier)).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertThat(view.member(tier, i)).isEqualTo(expected.get(i));
        assertThat(view.positionInTier(expected.get(i).id())).isEqualTo(i);
      }
      available += expected.size();
    }
    assertThat(view.availableCount()).isEqualTo(available);
    for (Agent agent : model.values()) {
      assertThat(view.get(agent.id())).isEqualTo(agent);
      assertThat(view.isAvailable(agent.id()))
          .isEqualTo(view.availability().isRoutable(agent.state()));
    }
    for (int k = 0; k < 40; k++) {
      String key = "web_" + random.nextInt(1_000_000);
      Agent owner = view.ring().owner(key, null);
      assertThat(owner).isEqualTo(naive.ring().owner(key, null));
      assertThat(owner).isEqualTo(view.ring().ownerByFullSearch(key));
      if (owner != null) {
        assertThat(view.isAvailable(owner.id())).isTrue();
        assertThat(view.get(owner.id())).as("the ring holds current records").isSameAs(owner);
      }
    }
  }

  private static Agent randomAgent(SplittableRandom random, int idSpace) {
    return Agents.named(
        "agent-" + random.nextInt(idSpace),
        "gen-" + random.nextInt(3),
        STATES[random.nextInt(STATES.length)]);
  }

  private static Agent withState(Agent agent, SplittableRandom random) {
    return Agents.named(agent.id().value(), agent.name(), STATES[random.nextInt(STATES.length)]);
  }
}
