package io.llmgatling.engine.record;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.llmgatling.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends {@link RequestRecord}s to {@code results/<run>/requests.jsonl}, one JSON object per line, as
 * the run goes.
 *
 * <p>{@link #append} only enqueues (it is called on Netty event loops, which must never wait for a
 * disk); a single background thread serializes and writes in batches and flushes the file whenever the
 * queue runs dry, so a reader sees every record within about {@value #MAX_FLUSH_DELAY_MS} ms. A JVM
 * shutdown hook drains the queue, so Ctrl-C keeps everything appended so far.
 */
public final class RequestJournal implements AutoCloseable {
  private static final long MAX_FLUSH_DELAY_MS = 200;
  private static final ObjectWriter JSON = Json.MAPPER.writerFor(RequestRecord.class);
  private static final Object STOP = new Object();

  private final Path file;
  private final BufferedWriter out;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final AtomicLong appended = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Object progress = new Object();
  private final Thread writer;
  private final Thread shutdownHook;
  private volatile boolean closed;
  private volatile IOException failure;

  private RequestJournal(Path file) throws IOException {
    this.file = file;
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.writer = new Thread(this::writeLoop, "llm-request-journal");
    this.writer.setDaemon(true);
    this.writer.start();
    this.shutdownHook = new Thread(this::flushQuietly, "llm-request-journal-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Opens (truncates) the journal file, creating its parent directories. */
  public static RequestJournal open(Path file) {
    try {
      return new RequestJournal(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open request journal " + file, e);
    }
  }

  /** The journal file. */
  public Path file() {
    return file;
  }

  /** Queues one record for writing. Thread-safe, never blocks, never drops a record. */
  public void append(RequestRecord record) {
    if (closed) {
      throw new IllegalStateException("request journal " + file + " is closed");
    }
    appended.incrementAndGet();
    queue.add(record);
  }

  /** Number of records appended so far. */
  public long count() {
    return appended.get();
  }

  /** Waits until every record appended before this call is written to the file. */
  public void flush() {
    long target = appended.get();
    synchronized (progress) {
      while (written.get() < target && writer.isAlive()) {
        try {
          progress.wait(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    if (failure != null) {
      throw new UncheckedIOException("cannot write request journal " + file, failure);
    }
  }

  /** Writes everything appended, closes the file. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run: nothing to remove
    }
    if (failure != null) {
      throw new UncheckedIOException("cannot write request journal " + file, failure);
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException ignored) {
      // at JVM exit there is nobody left to tell
    }
  }

  private void writeLoop() {
    List<Object> batch = new ArrayList<>(1024);
    boolean stop = false;
    try {
      while (!stop) {
        Object first = queue.poll(MAX_FLUSH_DELAY_MS, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch);
        int records = 0;
        for (Object item : batch) {
          if (item == STOP) {
            stop = true;
          } else {
            writeLine((RequestRecord) item);
            records++;
          }
        }
        batch.clear();
        // flush when the queue ran dry: a reader tailing the file stays at most one batch behind
        out.flush();
        synchronized (progress) {
          written.addAndGet(records);
          progress.notifyAll();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      failure = e;
    } finally {
      try {
        out.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        }
      }
      synchronized (progress) {
        progress.notifyAll();
      }
    }
  }

  private void writeLine(RequestRecord record) throws IOException {
    out.write(JSON.writeValueAsString(record));
    out.write('\n');
  }
}
