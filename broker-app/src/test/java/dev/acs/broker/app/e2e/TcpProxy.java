package dev.acs.broker.app.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder that a test can stop (closing every connection, as a dead server or a
 * broken network would) and start again on the same port, so the broker loses a peer without the
 * shared RabbitMQ or the central server being disturbed.
 */
final class TcpProxy implements AutoCloseable {

  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile int port;
  private volatile ServerSocket listener;

  private TcpProxy(int targetPort) {
    this.targetPort = targetPort;
  }

  /** A running proxy on a free port to 127.0.0.1:{@code targetPort}. */
  static TcpProxy to(int targetPort) throws IOException {
    TcpProxy proxy = new TcpProxy(targetPort);
    proxy.listen(0);
    return proxy;
  }

  int port() {
    return port;
  }

  /** Accepts connections again, on the same port. */
  synchronized void start() throws IOException {
    if (listener == null) {
      listen(port);
    }
  }

  /** Refuses new connections and closes every open one. */
  synchronized void stop() {
    ServerSocket current = listener;
    listener = null;
    closeQuietly(current);
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  private void listen(int onPort) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
    port = server.getLocalPort();
    listener = server;
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket client = server.accept();
                  Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                  sockets.add(client);
                  sockets.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException closed) {
                  // stopped, or the target refused: the client's socket is closed either way
                }
              }
            },
            "tcp-proxy-accept-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException closed) {
                // one side went away
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    stop();
  }
}
