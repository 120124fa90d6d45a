package dev.acs.broker.core.application;

/**
 * To whom the broker addresses the {@code ERROR} it publishes when no agent can take a message.
 *
 * <p>The real central server (SPEC §7) shows a person only an {@code ERROR} addressed to {@code
 * "Server"}, reading the reason from {@code routing_status_message}; the reference form of SPEC §4,
 * addressed to the original sender, is logged there as "Unrecognized message ignored".
 */
public enum ErrorReceiver {
  /**
   * SPEC §4 exactly: {@code receiver_id} = the original sender, the reason in {@code
   * error_details}.
   */
  SENDER,
  /**
   * {@code receiver_id = "Server"}, the reason in {@code routing_status_message} and {@code
   * error_details}, the original text in {@code text_payload}: the form the real server turns into
   * a routing-failure notice for the frontends.
   */
  SERVER;

  /** The {@code receiver_id} of an error in the {@link #SERVER} form. */
  public static final String SERVER_RECEIVER_ID = "Server";
}
