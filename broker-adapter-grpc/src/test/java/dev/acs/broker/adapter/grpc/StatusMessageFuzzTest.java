package dev.acs.broker.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.acs.broker.core.agent.AgentId;
import dev.acs.broker.core.agent.AgentRegistry;
import dev.acs.broker.core.agent.AgentView;
import dev.acs.broker.core.agent.Availability;
import dev.acs.broker.proto.status.AgentInfo;
import dev.acs.broker.proto.status.AgentStatusResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Malformed status messages from the central server through the mapper into the registry, seeded:
 * unknown fields of every wire type, absurd sizes (ids of 10,000 characters, names of 50,000, long
 * metric values, thousands of metrics, tens of thousands of agents), empty and blank ids, duplicate
 * agent ids, control characters and unknown state words, and random bytes where a message should
 * be. Nothing may escape, blank ids are skipped, and the registry then holds exactly the distinct
 * usable ids (a full snapshot) or at least them (a delta).
 */
class StatusMessageFuzzTest {

  private static final int CASES = 400;

  private final AgentStatusMapper mapper = new AgentStatusMapper();

  @Test
  void malformedStatusMessages_neverEscape_andLeaveAConsistentRegistry() throws IOException {
    for (int seed = 1; seed <= CASES; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      AgentRegistry registry = new AgentRegistry(Availability.reference(), Clock.systemUTC());
      AgentStatusResponse response = response(random, random.nextInt(0, 40));
      byte[] wire = withUnknownFields(response.toByteArray(), random);
      try {
        AgentStatusResponse parsed = AgentStatusResponse.parseFrom(wire);
        assertThat(parsed.getAgentsList()).isEqualTo(response.getAgentsList());
        check(registry, parsed);
      } catch (RuntimeException | AssertionError failure) {
        throw new AssertionError("seed " + seed + " failed: " + failure, failure);
      }
    }
  }

  @Test
  void randomBytes_areRefusedByTheParser_orMappedCleanly() {
    for (int seed = 1; seed <= CASES; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      byte[] garbage = new byte[random.nextInt(0, 512)];
      random.nextBytes(garbage);
      AgentStatusResponse parsed;
      try {
        parsed = AgentStatusResponse.parseFrom(garbage);
      } catch (InvalidProtocolBufferException refused) {
        continue; // grpc-java ends the call with INTERNAL; the adapter resubscribes
      }
      try {
        check(new AgentRegistry(Availability.reference(), Clock.systemUTC()), parsed);
      } catch (RuntimeException | AssertionError failure) {
        throw new AssertionError("seed " + seed + " failed: " + failure, failure);
      }
    }
  }

  @Test
  void anAbsurdlyLargeSnapshot_isMappedWhole() {
    SplittableRandom random = new SplittableRandom(42);
    AgentStatusResponse.Builder big = AgentStatusResponse.newBuilder().setIsFullUpdate(true);
    for (int i = 0; i < 50_000; i++) {
      big.addAgents(
          AgentInfo.newBuilder()
              .setAgentId("agent-" + i)
              .setAgentName(text(random, 40))
              .putMetrics("internal_state", i % 2 == 0 ? "idle" : "busy"));
    }
    AgentRegistry registry = new AgentRegistry(Availability.reference(), Clock.systemUTC());

    AgentView view = registry.apply(mapper.toUpdate(big.build()));

    assertThat(view.size()).isEqualTo(50_000);
  }

  @Test
  void serverText_inALogLine_isCutAndHasNoControlCharacters() {
    String hostile = "evil\r\n2025-01-01 INFO forged" + "x".repeat(10_000);

    String shown = AgentStatusMapper.printable(hostile);

    assertThat(shown).hasSizeLessThanOrEqualTo(AgentStatusMapper.MAX_LOGGED_CHARS + 3);
    assertThat(shown).doesNotContain("\r").doesNotContain("\n").startsWith("evil??2025");
  }

  private void check(AgentRegistry registry, AgentStatusResponse response) {
    Set<String> usable = new LinkedHashSet<>();
    for (AgentInfo info : response.getAgentsList()) {
      if (!info.getAgentId().isBlank()) {
        usable.add(info.getAgentId());
      }
    }
    AgentView view = registry.apply(mapper.toUpdate(response));
    if (response.getIsFullUpdate()) {
      assertThat(view.size()).isEqualTo(usable.size());
    } else {
      assertThat(view.size()).isGreaterThanOrEqualTo(usable.size());
    }
    for (String id : usable) {
      assertThat(view.find(AgentId.of(id))).as("agent %s", id).isPresent();
    }
  }

  private static AgentStatusResponse response(SplittableRandom random, int agents) {
    AgentStatusResponse.Builder response =
        AgentStatusResponse.newBuilder().setIsFullUpdate(random.nextBoolean());
    for (int i = 0; i < agents; i++) {
      AgentInfo.Builder agent =
          AgentInfo.newBuilder()
              .setAgentId(id(random))
              .setAgentName(random.nextInt(10) == 0 ? text(random, 50_000) : text(random, 12))
              .setLastSeen(random.nextBoolean() ? "2025-01-02T03:04:05" : text(random, 30));
      int metrics = random.nextInt(20) == 0 ? random.nextInt(1_000, 5_000) : random.nextInt(0, 6);
      for (int m = 0; m < metrics; m++) {
        agent.putMetrics(text(random, 8), text(random, random.nextInt(0, 64)));
      }
      if (random.nextBoolean()) {
        agent.putMetrics(
            "internal_state",
            new String[] {"idle", "busy", "paused", "", "IDLE", "starting", "\u0000idle", "x"}
                [random.nextInt(8)]);
      }
      response.addAgents(agent);
    }
    return response.build();
  }

  private static String id(SplittableRandom random) {
    switch (random.nextInt(8)) {
      case 0:
        return "";
      case 1:
        return " \t\n";
      case 2:
        return "dup";
      case 3:
        return text(random, 10_000);
      case 4:
        return "a\u0000b\r\nINFO forged log line";
      default:
        return "agent-" + random.nextInt(30);
    }
  }

  private static String text(SplittableRandom random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(10);
      text.append(
          kind == 0
              ? (char) random.nextInt(0, 32)
              : kind == 1 ? (char) random.nextInt(0x4e00, 0x9fff) : (char) random.nextInt(32, 127));
    }
    return text.toString();
  }

  /** The message followed by fields the schema does not know, of every wire type. */
  private static byte[] withUnknownFields(byte[] message, SplittableRandom random)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(message);
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    int fields = random.nextInt(0, 6);
    for (int i = 0; i < fields; i++) {
      int number = random.nextInt(3, 1 << 20);
      switch (random.nextInt(4)) {
        case 0 -> coded.writeUInt64(number, random.nextLong());
        case 1 -> coded.writeFixed32(number, random.nextInt());
        case 2 -> coded.writeFixed64(number, random.nextLong());
        default -> {
          byte[] bytes = new byte[random.nextInt(0, random.nextInt(10) == 0 ? 1 << 20 : 64)];
          random.nextBytes(bytes);
          coded.writeByteArray(number, bytes);
        }
      }
    }
    coded.flush();
    return out.toByteArray();
  }
}
