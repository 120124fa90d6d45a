package dev.acs.broker.adapter.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread the status source's state is confined to: gRPC callbacks are re-posted here,
 * retries and probes are scheduled here, and a task's unexpected exception is logged instead of
 * killing the thread or cancelling a periodic task.
 *
 * <p>Once the adapter is closing, rejected tasks are dropped silently: they would only have found
 * the adapter closed.
 */
final class StatusScheduler {

  // The status source's logger, so that its log lines keep the one name operators filter on.
  private static final Logger LOG = LoggerFactory.getLogger(GrpcAgentStatusSource.class);

  private final ScheduledExecutorService executor;
  private final BooleanSupplier closing;
  private volatile @Nullable Thread thread;

  /**
   * @param executor a single-threaded executor, owned from now on
   * @param closing whether the adapter is shutting down (then rejections are expected)
   */
  StatusScheduler(ScheduledExecutorService executor, BooleanSupplier closing) {
    this.executor = executor;
    this.closing = closing;
  }

  /** Remembers the calling thread as the executor's; called by the first task it runs. */
  void claimCurrentThread() {
    thread = Thread.currentThread();
  }

  /** Whether the caller is the executor's thread (known once its first task ran). */
  boolean isCurrentThread() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the scheduler thread, unless the adapter is shutting down. */
  void post(Runnable task) {
    try {
      executor.execute(guarded(task));
    } catch (RejectedExecutionException e) {
      if (!closing.getAsBoolean()) {
        LOG.error("The gRPC status scheduler rejected a task while running", e);
      }
    }
  }

  /** Runs {@code task} after {@code delay}; {@code null} when the executor no longer runs. */
  @Nullable ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /**
   * An observer of a unary call that re-posts its answer or its failure to the scheduler thread;
   * completion carries nothing more.
   */
  <T> StreamObserver<T> answerOn(Consumer<T> answer, Consumer<Status> failure) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T response) {
        post(() -> answer.accept(response));
      }

      @Override
      public void onError(Throwable error) {
        Status status = Status.fromThrowable(error);
        post(() -> failure.accept(status));
      }

      @Override
      public void onCompleted() {}
    };
  }

  /** Runs {@code task} on the scheduler thread and waits up to {@code timeout} for it. */
  void runAndWait(Runnable task, Duration timeout) {
    try {
      Future<?> done = executor.submit(task);
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
      LOG.warn("Could not stop the status stream cleanly: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the executor; waits up to {@code timeout} unless called from its own thread. */
  void shutdown(Duration timeout) {
    executor.shutdownNow();
    if (isCurrentThread()) {
      return;
    }
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("The gRPC status scheduler did not stop within {}", timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Cancels a scheduled task, if there is one, without interrupting it. */
  static void cancel(@Nullable Future<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("Unexpected failure in the gRPC status source", e);
      }
    };
  }
}
