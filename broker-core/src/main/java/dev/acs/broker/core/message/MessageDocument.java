package dev.acs.broker.core.message;

/**
 * The whole body of an inbound message, owned by the adapter that parsed it; routing never looks
 * inside, it only asks for a rendering with its {@link FieldEdits} applied. This is how fields the
 * broker does not know travel through unchanged without the core depending on a JSON library.
 */
public interface MessageDocument {

  /** The body exactly as received. */
  byte[] original();

  /**
   * The body with the edits applied; every field the edits do not name keeps its value and
   * position.
   */
  byte[] render(FieldEdits edits);
}
