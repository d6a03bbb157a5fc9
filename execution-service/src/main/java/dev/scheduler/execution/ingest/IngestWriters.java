package dev.scheduler.execution.ingest;

import dev.scheduler.contracts.ExecutionEvent;
import dev.scheduler.contracts.FireEvent;
import dev.scheduler.execution.store.ExecutionIngest;
import dev.scheduler.execution.store.IngestProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Writes the consumers' batches through a few writer threads, each owning the executions whose id
 * hashes to it. The fire of an execution and its agent's reports arrive on two topics at about the
 * same time; handed to one writer they land in one transaction or in consecutive ones, instead of
 * two transactions that wait on each other's row locks or both insert the row (and one runs again).
 * A writer also merges whatever is queued for it into one transaction, up to the batch size. A
 * hand-written queue, not an executor: the merging and the ownership by id are the point.
 */
@Component
public class IngestWriters implements SmartLifecycle {

  private final ExecutionIngest ingest;
  private final Dispatcher dispatcher;
  private final IngestProperties properties;
  private final List<BlockingQueue<Work>> queues = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  public IngestWriters(ExecutionIngest ingest, Dispatcher dispatcher, IngestProperties properties) {
    this.ingest = ingest;
    this.dispatcher = dispatcher;
    this.properties = properties;
  }

  /** A consumer's share for one writer, and what tells the consumer it is stored. */
  private record Work(
      List<FireEvent> fires, List<ExecutionEvent> events, CompletableFuture<Void> stored) {
    int size() {
      return fires.size() + events.size();
    }
  }

  /**
   * Stores fire and execution events and dispatches the attempts they ask for; returns once all are
   * committed.
   *
   * @throws IllegalStateException when they could not be stored (the consumer has them redelivered)
   */
  public void write(List<FireEvent> fires, List<ExecutionEvent> events) {
    int writers = queues.size();
    if (!running || writers == 0) {
      throw new IllegalStateException("ingest writers are not running");
    }
    List<List<FireEvent>> firesOf = split(fires, FireEvent::executionId, writers);
    List<List<ExecutionEvent>> eventsOf = split(events, ExecutionEvent::executionId, writers);
    List<CompletableFuture<Void>> stored = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      if (!firesOf.get(i).isEmpty() || !eventsOf.get(i).isEmpty()) {
        Work work = new Work(firesOf.get(i), eventsOf.get(i), new CompletableFuture<>());
        stored.add(work.stored());
        queues.get(i).add(work);
      }
    }
    try {
      CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw new IllegalStateException("batch not stored: " + e.getCause(), e.getCause());
    }
  }

  private static <T> List<List<T>> split(List<T> items, Function<T, String> id, int writers) {
    List<List<T>> parts = new ArrayList<>(writers);
    for (int i = 0; i < writers; i++) {
      parts.add(new ArrayList<>());
    }
    for (T item : items) {
      parts.get(Math.floorMod(id.apply(item).hashCode(), writers)).add(item);
    }
    return parts;
  }

  private void run(BlockingQueue<Work> queue) {
    List<Work> taken = new ArrayList<>();
    while (running) {
      try {
        Work first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        taken.add(first);
      } catch (InterruptedException e) {
        break;
      }
      int size = taken.get(0).size();
      for (Work next = queue.peek();
          next != null && size + next.size() <= properties.batchSize();
          next = queue.peek()) {
        taken.add(queue.poll());
        size += next.size();
      }
      List<FireEvent> fires = new ArrayList<>();
      List<ExecutionEvent> events = new ArrayList<>();
      taken.forEach(
          w -> {
            fires.addAll(w.fires());
            events.addAll(w.events());
          });
      try {
        List<ExecutionIngest.Dispatch> dispatches = ingest.write(fires, events);
        taken.forEach(w -> w.stored().complete(null));
        dispatcher.dispatch(dispatches);
      } catch (RuntimeException e) {
        taken.forEach(w -> w.stored().completeExceptionally(e));
      }
      taken.clear();
    }
    Work left;
    while ((left = queue.poll()) != null) {
      left.stored().completeExceptionally(new IllegalStateException("ingest stopped"));
    }
  }

  @Override
  public void start() {
    running = true;
    for (int i = 0; i < properties.writers(); i++) {
      BlockingQueue<Work> queue = new LinkedBlockingQueue<>();
      queues.add(queue);
      Thread thread = new Thread(() -> run(queue), "ingest-writer-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Stops after the consumers (a later phase stops first): what they handed over is written. */
  @Override
  public void stop() {
    running = false;
    for (Thread thread : threads) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    threads.clear();
    queues.clear();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1;
  }
}
