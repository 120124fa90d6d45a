package dev.acs.broker.core.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Keeps {@code docs/embedding.md} and the example the build runs the same. */
class EmbeddingDocTest {

  private static final Path DOC = Path.of("..", "docs", "embedding.md");
  private static final Path EXAMPLE =
      Path.of("src/test/java/dev/acs/broker/core/embedding/EmbeddingExample.java");
  private static final String FENCE_OPEN = "```java\n";
  private static final String FENCE_CLOSE = "```\n";

  @Test
  @DisplayName("the first Java block of docs/embedding.md is EmbeddingExample.java, verbatim")
  void docShowsTheExampleTheBuildRuns() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int start = doc.indexOf(FENCE_OPEN);
    assertThat(start).as("a ```java block in %s", DOC).isNotNegative();
    int codeStart = start + FENCE_OPEN.length();
    int end = doc.indexOf(FENCE_CLOSE, codeStart);
    assertThat(end).as("the end of the ```java block in %s", DOC).isPositive();
    String shown = doc.substring(codeStart, end);

    assertThat(shown)
        .as(
            "the example in %s must be %s verbatim: copy the file into the doc after changing it",
            DOC, EXAMPLE)
        .isEqualTo(Files.readString(EXAMPLE, StandardCharsets.UTF_8));
  }
}
