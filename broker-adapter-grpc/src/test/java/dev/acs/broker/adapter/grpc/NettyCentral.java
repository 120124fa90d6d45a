package dev.acs.broker.adapter.grpc;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A central server on a Netty loopback port, which the test may stop and start again. */
final class NettyCentral implements AutoCloseable {

  private final UnaryOperator<NettyServerBuilder> tweaks;
  private final ServerCredentials credentials;
  private FakeCentralServer fake;
  private Server server;
  private int port;

  private NettyCentral(UnaryOperator<NettyServerBuilder> tweaks, ServerCredentials credentials) {
    this.tweaks = tweaks;
    this.credentials = credentials;
  }

  /** Starts {@code fake} on a free port of 127.0.0.1. */
  static NettyCentral start(FakeCentralServer fake) {
    return start(fake, UnaryOperator.identity());
  }

  /** Starts {@code fake} on a free port, with extra server settings. */
  static NettyCentral start(FakeCentralServer fake, UnaryOperator<NettyServerBuilder> tweaks) {
    NettyCentral central = new NettyCentral(tweaks, InsecureServerCredentials.create());
    central.startOn(fake, 0);
    return central;
  }

  /** Starts {@code fake} on a free port, speaking TLS with these credentials. */
  static NettyCentral startTls(FakeCentralServer fake, ServerCredentials credentials) {
    NettyCentral central = new NettyCentral(UnaryOperator.identity(), credentials);
    central.startOn(fake, 0);
    return central;
  }

  private void startOn(FakeCentralServer newFake, int wantedPort) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", wantedPort), credentials);
    for (BindableService service : newFake.services()) {
      builder.addService(service);
    }
    try {
      server = tweaks.apply(builder).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the test server on port " + wantedPort, e);
    }
    fake = newFake;
    port = server.getPort();
  }

  int port() {
    return port;
  }

  FakeCentralServer fake() {
    return fake;
  }

  /** Stops the server, closing every connection, as a crash or restart would. */
  void stop() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts a server with a fresh state, {@code newFake}, on the same port as before. */
  void restart(FakeCentralServer newFake) {
    startOn(newFake, port);
  }

  @Override
  public void close() {
    stop();
  }
}
