package dev.acs.broker.core.message;

/** Names of the JSON fields of SPEC §3 that the broker reads or writes. */
public final class WireFields {
  public static final String MESSAGE_ID = "message_id";
  public static final String MESSAGE_TYPE = "message_type";
  public static final String SENDER_ID = "sender_id";
  public static final String RECEIVER_ID = "receiver_id";
  public static final String TEXT_PAYLOAD = "text_payload";
  public static final String SEND_TIMESTAMP = "send_timestamp";
  public static final String ROUTING_STATUS = "routing_status";
  public static final String ERROR_DETAILS = "error_details";
  public static final String ORIGINAL_MESSAGE_ID = "original_message_id";
  public static final String ROUTING_STATUS_MESSAGE = "routing_status_message";
  public static final String CLIENT_ID = "_client_id";
  public static final String CONNECTION_TYPE = "_connection_type";
  public static final String BROADCAST = "_broadcast";
  public static final String TARGET_AGENT_ID = "_target_agent_id";
  public static final String AGENTS = "agents";
  public static final String IS_FULL_UPDATE = "is_full_update";

  /** {@code routing_status} after the broker chose a receiver. */
  public static final String STATUS_ROUTED = "routed";

  /** {@code routing_status} of an error. */
  public static final String STATUS_ERROR = "error";

  /** {@code routing_status} of a message not yet routed. */
  public static final String STATUS_PENDING = "pending";

  private WireFields() {}
}
