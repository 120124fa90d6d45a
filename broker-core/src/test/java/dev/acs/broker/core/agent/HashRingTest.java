package dev.acs.broker.core.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.testing.Agents;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HashRingTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 1_000, 100_000})
  void trieLookup_findsTheSameOwnerAsAScanOfTheWholeRing(int agents) {
    List<Agent> list = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      list.add(Agents.idle("agent-" + i));
    }
    HashRing ring = HashRing.of(list.toArray(new Agent[0]));
    SplittableRandom random = new SplittableRandom(agents);
    // The model scans every point, so fewer keys on big rings keep the test quick.
    int keys = agents >= 100_000 ? 100 : agents >= 1_000 ? 2_000 : 20_000;
    for (int k = 0; k < keys; k++) {
      String key = "web_" + Long.toHexString(random.nextLong());
      assertThat(ring.owner(key, null)).isSameAs(ring.ownerByFullSearch(key));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "web_1a2b3c4d, 4681187870917178864",
    "agent_x, -5609142639746035903",
    "'', -1166397803181037274"
  })
  void hash_isPinned_soReplicasAndReleasesAgree(String key, long expected) {
    assertThat(HashRing.hash(key)).isEqualTo(expected);
  }
}
