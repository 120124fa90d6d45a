package dev.acs.broker.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acs.broker.core.testing.FlatDocument;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FieldEditsTest {

  private final Map<String, String> fields = ordered("a", "1", "b", "2", "c", "3");

  @Test
  void none_leavesEverything() {
    assertThat(FieldEdits.none().isEmpty()).isTrue();
    assertThat(FieldEdits.none().applyTo(fields, Function.identity()))
        .containsExactlyEntriesOf(fields);
  }

  @Test
  void set_replacesInPlace_andAppendsNewFields() {
    FieldEdits edits = FieldEdits.builder().set("b", "two").set("d", "4").build();

    assertThat(edits.applyTo(fields, Function.identity()))
        .containsExactlyEntriesOf(ordered("a", "1", "b", "two", "c", "3", "d", "4"));
  }

  @Test
  void setIfAbsent_onlyAddsMissingFields() {
    FieldEdits edits = FieldEdits.builder().setIfAbsent("a", "x").setIfAbsent("z", "26").build();

    assertThat(edits.applyTo(fields, Function.identity()))
        .containsExactlyEntriesOf(ordered("a", "1", "b", "2", "c", "3", "z", "26"));
  }

  @Test
  void remove_dropsFields() {
    FieldEdits edits = FieldEdits.builder().remove("a", "missing").build();

    assertThat(edits.applyTo(fields, Function.identity()))
        .containsExactlyEntriesOf(ordered("b", "2", "c", "3"));
  }

  @Test
  void retainOnly_thenSet_buildsAFreshObjectFromTheOriginal() {
    FieldEdits edits = FieldEdits.builder().retainOnly("c", "a").set("e", "5").build();

    assertThat(edits.applyTo(fields, Function.identity()))
        .containsExactlyEntriesOf(ordered("a", "1", "c", "3", "e", "5"));
  }

  @Test
  void flatDocument_rendersEditsAndRoundTripsAwkwardText() {
    Map<String, String> awkward = ordered("text", "tab\there\nnew line \\ backslash 🚀 שלום");
    FlatDocument document = FlatDocument.of(awkward);

    assertThat(FlatDocument.decode(document.original())).containsExactlyEntriesOf(awkward);
    assertThat(FlatDocument.decode(document.render(FieldEdits.builder().set("x", "y").build())))
        .containsExactlyEntriesOf(ordered("text", awkward.get("text"), "x", "y"));
  }

  private static Map<String, String> ordered(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }
}
