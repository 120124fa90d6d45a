package dev.acs.broker.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * A loopback TCP proxy in front of a local port, for tests that take a peer away without touching
 * the peer itself (the shared RabbitMQ, a central server other tests use). Two kinds of outage:
 *
 * <ul>
 *   <li>{@link #blackhole()}: every connection goes silent but stays open, new ones too (accepted
 *       and connected, but no byte passes), as with a dead NAT entry or a pulled cable before TCP
 *       gives up; {@link #restore()} forwards again, including what was held back.
 *   <li>{@link #stop()}: new connections are refused and open ones closed, as with a dead server or
 *       a broken network; {@link #start()} accepts again on the same port.
 * </ul>
 *
 * <p>Each direction of each connection is pumped by a daemon thread; an end of stream is passed on
 * as a half-close, so the peers see what they would see without the proxy.
 */
public final class TcpProxy implements AutoCloseable {

  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private boolean blackholed;
  private volatile boolean closed;
  private volatile int port;
  private volatile @Nullable ServerSocket listener;

  private TcpProxy(int targetPort) {
    this.targetPort = targetPort;
  }

  /** A running proxy on a free loopback port, forwarding to 127.0.0.1:{@code targetPort}. */
  public static TcpProxy to(int targetPort) throws IOException {
    TcpProxy proxy = new TcpProxy(targetPort);
    proxy.listen(0);
    return proxy;
  }

  /** The port to connect to instead of the target's. */
  public int port() {
    return port;
  }

  /** Stops forwarding in both directions; sockets stay open. New connections are held too. */
  public void blackhole() {
    synchronized (gate) {
      blackholed = true;
    }
  }

  /** Forwards again after {@link #blackhole()}, including what was held back. */
  public void restore() {
    synchronized (gate) {
      blackholed = false;
      gate.notifyAll();
    }
  }

  /** Refuses new connections and closes every open one. */
  public synchronized void stop() {
    ServerSocket current = listener;
    listener = null;
    if (current != null) {
      closeQuietly(current);
    }
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  /** Accepts connections again after {@link #stop()}, on the same port. */
  public synchronized void start() throws IOException {
    if (listener == null) {
      listen(port);
    }
  }

  @Override
  public void close() {
    closed = true;
    restore();
    stop();
  }

  private void listen(int onPort) throws IOException {
    ServerSocket server = new ServerSocket();
    // The same port again right after stop(), while closed connections linger in TIME_WAIT.
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
    port = server.getLocalPort();
    listener = server;
    daemon(() -> accept(server), "tcp-proxy-accept-" + targetPort);
  }

  private void accept(ServerSocket server) {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException stopped) {
        continue; // the loop ends once the listener is closed
      }
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        daemon(() -> pump(client, upstream), "tcp-proxy-up-" + targetPort);
        daemon(() -> pump(upstream, client), "tcp-proxy-down-" + targetPort);
      } catch (IOException targetRefused) {
        // The target is down: the client sees its connection closed, as it would without us.
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int read;
      while ((read = in.read(buffer)) >= 0) {
        awaitOpenGate();
        out.write(buffer, 0, read);
        out.flush();
      }
      awaitOpenGate();
      to.shutdownOutput();
      if (from.isOutputShutdown()) {
        // Both directions ended: the connection is over.
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    } catch (IOException | InterruptedException ended) {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private void awaitOpenGate() throws InterruptedException {
    synchronized (gate) {
      while (blackholed && !closed) {
        gate.wait();
      }
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing anyway.
    }
  }

  private static void daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }
}
