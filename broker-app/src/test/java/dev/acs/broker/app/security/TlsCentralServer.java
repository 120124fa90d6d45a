package dev.acs.broker.app.security;

import dev.acs.broker.proto.registration.BrokerRegistrationRequest;
import dev.acs.broker.proto.registration.BrokerRegistrationResponse;
import dev.acs.broker.proto.registration.BrokerRegistrationServiceGrpc;
import dev.acs.broker.proto.status.AgentInfo;
import dev.acs.broker.proto.status.AgentStatusRequest;
import dev.acs.broker.proto.status.AgentStatusResponse;
import dev.acs.broker.proto.status.AgentStatusServiceGrpc;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * A TLS stand-in for the central server on a loopback port: one idle agent, a snapshot on every
 * subscription, and a record of the client certificate subject each call came with (mutual TLS).
 */
final class TlsCentralServer implements AutoCloseable {

  private final Server server;
  private final List<String> clientSubjects = new CopyOnWriteArrayList<>();

  private TlsCentralServer(ServerCredentials credentials) throws IOException {
    ServerInterceptor recordPeer =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            clientSubjects.add(subject(session));
            return next.startCall(call, headers);
          }
        };
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
            .addService(ServerInterceptors.intercept(new Registrations(), recordPeer))
            .addService(ServerInterceptors.intercept(new Statuses(), recordPeer))
            .build();
    this.server.start();
  }

  /**
   * A server presenting {@code certificate}; asks clients for a certificate from {@code clientCa}.
   */
  static TlsCentralServer start(TestCa.Issued certificate, Path clientCa, boolean requireClient)
      throws IOException {
    TlsServerCredentials.Builder tls =
        TlsServerCredentials.newBuilder()
            .keyManager(certificate.certificate().toFile(), certificate.key().toFile())
            .trustManager(clientCa.toFile())
            .clientAuth(
                requireClient
                    ? TlsServerCredentials.ClientAuth.REQUIRE
                    : TlsServerCredentials.ClientAuth.OPTIONAL);
    return new TlsCentralServer(tls.build());
  }

  int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** The client certificate subjects the calls came with ({@code "none"} for no certificate). */
  List<String> clientSubjects() {
    return List.copyOf(clientSubjects);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private static String subject(SSLSession session) {
    if (session == null) {
      return "no TLS";
    }
    try {
      Certificate[] peer = session.getPeerCertificates();
      return ((X509Certificate) peer[0]).getSubjectX500Principal().getName();
    } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
      return "none";
    }
  }

  private static AgentStatusResponse snapshot() {
    return AgentStatusResponse.newBuilder()
        .setIsFullUpdate(true)
        .addAgents(
            AgentInfo.newBuilder()
                .setAgentId("agent-1")
                .setAgentName("Agent One")
                .putMetrics("internal_state", "idle"))
        .build();
  }

  private static final class Registrations
      extends BrokerRegistrationServiceGrpc.BrokerRegistrationServiceImplBase {
    @Override
    public void registerBroker(
        BrokerRegistrationRequest request, StreamObserver<BrokerRegistrationResponse> response) {
      response.onNext(BrokerRegistrationResponse.newBuilder().setSuccess(true).build());
      response.onCompleted();
    }
  }

  private static final class Statuses extends AgentStatusServiceGrpc.AgentStatusServiceImplBase {
    @Override
    public void subscribeToAgentStatus(
        AgentStatusRequest request, StreamObserver<AgentStatusResponse> response) {
      response.onNext(snapshot());
    }

    @Override
    public void getAgentStatus(
        AgentStatusRequest request, StreamObserver<AgentStatusResponse> response) {
      response.onNext(snapshot());
      response.onCompleted();
    }
  }
}
