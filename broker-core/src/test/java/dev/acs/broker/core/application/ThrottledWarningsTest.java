package dev.acs.broker.core.application;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledWarningsTest {

  private final List<String> lines = new ArrayList<>();
  private final AtomicLong now = new AtomicLong();
  private final ThrottledWarnings warnings = new ThrottledWarnings(new CapturingLogger(), now::get);

  @Test
  void aBurstBecomesOneLine_andTheNextLineCountsWhatWasSuppressed() {
    for (int i = 0; i < 250; i++) {
      warnings.warn("publish " + i + " failed");
    }
    assertThat(lines).containsExactly("publish 0 failed");

    now.addAndGet(TimeUnit.SECONDS.toNanos(5));
    warnings.warn("publish 250 failed");

    assertThat(lines)
        .containsExactly(
            "publish 0 failed",
            "publish 250 failed (249 similar warnings suppressed since the last one)");
  }

  private final class CapturingLogger implements System.Logger {
    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(format);
    }
  }
}
