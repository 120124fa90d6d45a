package dev.acs.broker.adapter.amqp.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** A relay under test: consumes the input, publishes to the output, acks after the confirm. */
abstract class Relay {

  /** Consume-to-confirm latency of every relayed message, in microseconds. */
  final Histogram relayMicros = new ConcurrentHistogram(3);

  private final AtomicLong settled = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong ackFrames = new AtomicLong();

  abstract String name();

  /** Connects and starts consuming. */
  abstract void start() throws Exception;

  /** Stops consuming and waits for what is in flight. */
  abstract void stop() throws Exception;

  /** Closes the relay's connections at once, after a failure; never throws. */
  abstract void abort();

  final void settled(long relayNanos) {
    relayMicros.recordValue(Math.max(0, relayNanos / 1000));
    settled.incrementAndGet();
  }

  final void failed() {
    failures.incrementAndGet();
  }

  /** A basic.ack frame went to the input; counted where the relay can see it. */
  final void ackSent() {
    ackFrames.incrementAndGet();
  }

  /** Ack frames sent so far; 0 when the relay cannot count them. */
  final long ackFrames() {
    return ackFrames.get();
  }

  final long settledCount() {
    return settled.get();
  }

  final long failureCount() {
    return failures.get();
  }
}
