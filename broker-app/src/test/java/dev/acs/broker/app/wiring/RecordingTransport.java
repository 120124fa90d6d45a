package dev.acs.broker.app.wiring;

import java.util.concurrent.atomic.AtomicInteger;

/** A transport that only counts how often it was closed. */
public final class RecordingTransport implements AutoCloseable {

  private final AtomicInteger closes = new AtomicInteger();

  @Override
  public void close() {
    closes.incrementAndGet();
  }

  /** How many times {@link #close()} was called. */
  public int closeCount() {
    return closes.get();
  }

  @Override
  public String toString() {
    return "RecordingTransport";
  }
}
