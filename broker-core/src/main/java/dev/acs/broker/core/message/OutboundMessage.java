package dev.acs.broker.core.message;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message ready to publish: the destination, the body bytes and the transport headers that
 * explain the decision (they never change the JSON body, which the contract fixes).
 *
 * @param destination where it goes
 * @param body the body to publish, owned by this message from now on
 * @param headers string headers such as {@code x-routing-reason}
 * @param messageId the {@code message_id}, for logs and tracing; {@code null} when absent
 */
// The body is an array on purpose: it is published as it is, once, and a copy per message would
// cost the hot path; nothing compares outbound messages, so the array's identity equality is moot.
@SuppressWarnings("ArrayRecordComponent")
public record OutboundMessage(
    Destination destination, byte[] body, Map<String, String> headers, @Nullable String messageId) {

  /** Freezes the headers; the body array is taken as is, so callers must not change it. */
  public OutboundMessage {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof OutboundMessage that
        && destination == that.destination
        && Arrays.equals(body, that.body)
        && headers.equals(that.headers)
        && Objects.equals(messageId, that.messageId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(destination, Arrays.hashCode(body), headers, messageId);
  }

  @Override
  public String toString() {
    return "OutboundMessage{"
        + destination
        + ", id="
        + messageId
        + ", "
        + body.length
        + " bytes, headers="
        + headers
        + "}";
  }
}
