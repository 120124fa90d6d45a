package dev.acs.broker.core.message;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The changes routing makes to a message body: the only fields it touches are named here, so an
 * adapter can carry every other field through byte for byte.
 *
 * <p>Applied in this order: keep only {@link #retainOnly} (when set), remove {@link #remove}, then
 * write {@link #set} (replacing a field in place, or appending it) and {@link #setIfAbsent} (only
 * when the field is missing). All values are JSON strings.
 *
 * @param retainOnly when not {@code null}, every other field is dropped
 * @param remove fields to drop
 * @param set fields to write, in order
 * @param setIfAbsent fields to write only when missing, in order
 */
public record FieldEdits(
    @Nullable Set<String> retainOnly,
    Set<String> remove,
    Map<String, String> set,
    Map<String, String> setIfAbsent) {

  private static final FieldEdits NONE = new FieldEdits(null, Set.of(), Map.of(), Map.of());

  /** Freezes the collections, keeping their order. */
  public FieldEdits {
    retainOnly =
        retainOnly == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(retainOnly));
    remove = Collections.unmodifiableSet(new LinkedHashSet<>(remove));
    set = Collections.unmodifiableMap(new LinkedHashMap<>(set));
    setIfAbsent = Collections.unmodifiableMap(new LinkedHashMap<>(setIfAbsent));
  }

  /** No change at all: the body goes on exactly as it came. */
  public static FieldEdits none() {
    return NONE;
  }

  /** Starts a set of edits. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether applying these edits leaves the body unchanged. */
  public boolean isEmpty() {
    return retainOnly == null && remove.isEmpty() && set.isEmpty() && setIfAbsent.isEmpty();
  }

  /**
   * Applies the edits to a flat, ordered field map; adapters with a richer document model follow
   * the same rules, and tests use this as the reference.
   */
  public <V> Map<String, V> applyTo(
      Map<String, V> fields, java.util.function.Function<String, V> value) {
    Map<String, V> result = new LinkedHashMap<>();
    for (Map.Entry<String, V> field : fields.entrySet()) {
      String name = field.getKey();
      if ((retainOnly == null || retainOnly.contains(name)) && !remove.contains(name)) {
        result.put(name, field.getValue());
      }
    }
    set.forEach((name, text) -> result.put(name, value.apply(text)));
    setIfAbsent.forEach((name, text) -> result.putIfAbsent(name, value.apply(text)));
    return result;
  }

  /** Collects edits in the order they are given. */
  public static final class Builder {
    private @Nullable Set<String> retainOnly;
    private final Set<String> remove = new LinkedHashSet<>();
    private final Map<String, String> set = new LinkedHashMap<>();
    private final Map<String, String> setIfAbsent = new LinkedHashMap<>();

    private Builder() {}

    /** Drops every field but these. */
    public Builder retainOnly(String... fields) {
      this.retainOnly = new LinkedHashSet<>(java.util.List.of(fields));
      return this;
    }

    /** Drops these fields. */
    public Builder remove(String... fields) {
      remove.addAll(java.util.List.of(fields));
      return this;
    }

    /** Writes a string field. */
    public Builder set(String field, String value) {
      set.put(field, value);
      return this;
    }

    /** Writes a string field only when the body lacks it. */
    public Builder setIfAbsent(String field, String value) {
      setIfAbsent.put(field, value);
      return this;
    }

    /** The edits. */
    public FieldEdits build() {
      return new FieldEdits(retainOnly, remove, set, setIfAbsent);
    }
  }
}
