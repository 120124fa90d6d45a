package dev.acs.broker.app.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy that can stop forwarding without closing anything: {@link #blackhole()}
 * makes every connection through it half-open (both sockets stay open, no byte passes, the peers
 * see silence, as with a dead NAT entry or a pulled cable), {@link #restore()} lets bytes flow
 * again.
 */
final class TcpProxy implements AutoCloseable {

  private final int targetPort;
  private final ServerSocket server;
  private final Object gate = new Object();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private boolean blackholed;
  private volatile boolean closed;

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon(this::accept, "proxy-accept-" + targetPort);
  }

  /** The port to connect to instead of the target's. */
  int port() {
    return server.getLocalPort();
  }

  /** Stops forwarding in both directions; sockets stay open. New connections are held too. */
  void blackhole() {
    synchronized (gate) {
      blackholed = true;
    }
  }

  /** Forwards again, including what was held. */
  void restore() {
    synchronized (gate) {
      blackholed = false;
      gate.notifyAll();
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    restore();
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        daemon(() -> pump(client, upstream), "proxy-up-" + targetPort);
        daemon(() -> pump(upstream, client), "proxy-down-" + targetPort);
      } catch (IOException e) {
        if (closed) {
          return;
        }
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
    } catch (IOException | InterruptedException ended) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void awaitOpenGate() throws InterruptedException {
    synchronized (gate) {
      while (blackholed && !closed) {
        gate.wait();
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
  }

  private static void daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }
}
