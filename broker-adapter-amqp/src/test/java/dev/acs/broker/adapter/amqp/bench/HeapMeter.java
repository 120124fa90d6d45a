package dev.acs.broker.adapter.amqp.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/** The heap in use right after each garbage collection, as the GC reports it. */
final class HeapMeter implements AutoCloseable {

  /** One collection: when it ended (ms since JVM start) and the heap used after it. */
  record AfterGc(long uptimeMillis, long usedBytes, String gc) {}

  private final List<AfterGc> samples = new ArrayList<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener =
      (notification, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
            notification.getType())) {
          return;
        }
        GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool :
            info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
          if (!pool.getKey().contains("Metaspace")
              && !pool.getKey().contains("Code")
              && !pool.getKey().contains("Compressed")) {
            used += pool.getValue().getUsed();
          }
        }
        synchronized (samples) {
          samples.add(new AfterGc(info.getGcInfo().getEndTime(), used, info.getGcName()));
        }
      };

  HeapMeter() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter) {
        NotificationEmitter emitter = (NotificationEmitter) gc;
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  List<AfterGc> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (javax.management.ListenerNotFoundException ignored) {
        // already gone
      }
    }
  }
}
