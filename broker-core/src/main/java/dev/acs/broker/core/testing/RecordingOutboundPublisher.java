package dev.acs.broker.core.testing;

import dev.acs.broker.core.message.Destination;
import dev.acs.broker.core.message.OutboundMessage;
import dev.acs.broker.core.port.OutboundPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An in-memory publisher that records every message. By default it confirms at once; in manual mode
 * confirms and failures are released by the test, to check that nothing is acknowledged early.
 */
public final class RecordingOutboundPublisher implements OutboundPublisher {

  private final boolean autoConfirm;
  private final List<OutboundMessage> published = new ArrayList<>();
  private final List<CompletableFuture<Void>> pending = new ArrayList<>();

  private RecordingOutboundPublisher(boolean autoConfirm) {
    this.autoConfirm = autoConfirm;
  }

  /** A publisher that confirms every message immediately. */
  public static RecordingOutboundPublisher confirming() {
    return new RecordingOutboundPublisher(true);
  }

  /** A publisher whose confirms the test releases with {@link #confirmAll} or {@link #fail}. */
  public static RecordingOutboundPublisher manual() {
    return new RecordingOutboundPublisher(false);
  }

  @Override
  public CompletionStage<Void> publish(OutboundMessage message) {
    CompletableFuture<Void> confirm = new CompletableFuture<>();
    synchronized (this) {
      published.add(message);
      if (!autoConfirm) {
        pending.add(confirm);
        return confirm;
      }
    }
    confirm.complete(null);
    return confirm;
  }

  /** Everything published, in order. */
  public synchronized List<OutboundMessage> published() {
    return List.copyOf(published);
  }

  /** Everything published to one destination, in order. */
  public synchronized List<OutboundMessage> published(Destination destination) {
    return published.stream().filter(m -> m.destination() == destination).toList();
  }

  /** Number of publishes not yet confirmed or failed (manual mode). */
  public synchronized int pendingCount() {
    return (int) pending.stream().filter(f -> !f.isDone()).count();
  }

  /** Confirms every pending publish. */
  public void confirmAll() {
    List<CompletableFuture<Void>> toConfirm;
    synchronized (this) {
      toConfirm = List.copyOf(pending);
      pending.clear();
    }
    toConfirm.forEach(f -> f.complete(null));
  }

  /** Fails the {@code index}-th pending publish (counting from 0) with {@code cause}. */
  public void fail(int index, Throwable cause) {
    CompletableFuture<Void> toFail;
    synchronized (this) {
      toFail = pending.get(index);
    }
    toFail.completeExceptionally(cause);
  }
}
