package dev.acs.broker.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.acs.broker.core.agent.Agent;
import dev.acs.broker.core.agent.AgentStatusUpdate;
import dev.acs.broker.core.testing.Agents;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AgentChangeLogTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(AgentChangeLog.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final AgentChangeLog log = new AgentChangeLog();
  private Level levelBefore;

  @BeforeEach
  void capture() {
    levelBefore = logger.getLevel();
    logger.setLevel(Level.INFO);
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
    logger.setLevel(levelBefore);
  }

  private List<String> messages() {
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void smallUpdates_logOneLinePerAgentThatJoinedChangedOrLeft() {
    log.onStatus(AgentStatusUpdate.snapshot(List.of(Agents.idle("a1"), Agents.busy("a2"))));
    log.onStatus(AgentStatusUpdate.delta(List.of(Agents.busy("a1"), Agents.busy("a2"))));
    log.onStatus(AgentStatusUpdate.snapshot(List.of(Agents.busy("a1"))));

    assertThat(messages())
        .containsExactly(
            "Agent a1 (Agent a1) joined: idle",
            "Agent a2 (Agent a2) joined: busy",
            "Agent a1 (Agent a1): idle -> busy",
            "Agent a2 left (was busy)");
  }

  @Test
  void aLargeUpdate_isOneSummaryLine_soTheApplierThreadIsNotHeldByThousandsOfLines() {
    List<Agent> fleet = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      fleet.add(i % 4 == 0 ? Agents.idle("agent-" + i) : Agents.busy("agent-" + i));
    }
    log.onStatus(AgentStatusUpdate.snapshot(fleet));
    log.onStatus(AgentStatusUpdate.delta(List.of(Agents.busy("agent-0"))));

    assertThat(messages())
        .containsExactly(
            "Agents: 1000 joined, 0 changed state, 0 left; 1000 known, by state {busy=750,"
                + " idle=250} (one line per agent at DEBUG)",
            "Agent agent-0 (Agent agent-0): idle -> busy");
    assertThat(lines.list).allMatch(line -> line.getLevel() == Level.INFO);
  }
}
