package dev.acs.broker.adapter.grpc;

import io.grpc.Status;

/** How a gRPC failure is written in logs, health and interruption reasons. */
final class GrpcStatusText {

  private GrpcStatusText() {}

  /**
   * "CODE: description (root cause)" on one line, the way problems are reported: grpc-java puts
   * diagnostics on further lines of the description, and the useful part of a local failure (a
   * refused connection, a TLS handshake) is in the cause.
   */
  static String describe(Status status) {
    StringBuilder text = new StringBuilder(status.getCode().name());
    String description = status.getDescription();
    if (description != null && !description.isBlank()) {
      text.append(": ").append(firstLine(description));
    }
    Throwable root = status.getCause();
    if (root != null) {
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      text.append(" (").append(firstLine(root.toString())).append(')');
    }
    text.append(TlsFailureHint.of(status.getCause()));
    return text.toString();
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).strip();
  }
}
