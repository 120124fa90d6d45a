package dev.acs.broker.adapter.grpc;

import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * What an operator should do about a failed TLS handshake with the central server: grpc-java
 * reports it as a plain {@code UNAVAILABLE}, which reads like a server that is down.
 */
final class TlsFailureHint {

  private TlsFailureHint() {}

  /** A sentence to append to the failure's description, or {@code ""} when it was not TLS. */
  static String of(@Nullable Throwable failure) {
    SSLException ssl = null;
    CertificateException certificate = null;
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (ssl == null && cause instanceof SSLException found) {
        ssl = found;
      }
      if (cause instanceof CertificateException found) {
        certificate = found;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    if (ssl == null && certificate == null) {
      return "";
    }
    String message = certificate != null ? certificate.getMessage() : null;
    if (message != null
        && (message.contains("No subject alternative") || message.contains("No name matching"))) {
      return "; the central server's TLS certificate is not valid for the configured gRPC host:"
          + " connect by a name the certificate lists";
    }
    if (certificate != null) {
      return "; the central server's TLS certificate is not trusted: set the trusted CA"
          + " certificate (broker run: --grpc-trust-cert) to the CA that signed it";
    }
    return "; the TLS handshake with the central server failed: check that it serves TLS on this"
        + " port and whether it requires a client certificate (broker run: --grpc-client-cert and"
        + " --grpc-client-key)";
  }
}
