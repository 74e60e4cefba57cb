package io.llmgatling.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recorded trace to replay ({@code llm.profile=trace}, {@code llm.trace=FILE}): JSONL in the Mooncake / AIPerf
 * {@code mooncake_trace} shape, one request a line:
 * {@code {"timestamp": 1200, "input_length": 655, "output_length": 52, "hash_ids": [0, 1], "session_id": "s1"}}.
 *
 * <ul>
 *   <li>{@code timestamp}: when the request was sent, milliseconds from the start of the trace (number >= 0);</li>
 *   <li>{@code input_length}: prompt tokens (whole number >= 1); with a {@code session_id}, the tokens of the new
 *       user message of that turn (the conversation so far is carried before it, as AIPerf does);</li>
 *   <li>{@code output_length}: tokens the answer had (whole number >= 1);</li>
 *   <li>{@code hash_ids} (optional): the prompt's blocks of {@code blockSize} tokens, each named by an id (number or
 *       string); the same id is the same text in every request, so prompts sharing leading ids share a prefix;</li>
 *   <li>{@code session_id} (optional): the lines of one session are the turns of one conversation, sent in
 *       timestamp order, each after the previous answer. A later turn may give AIPerf's {@code delay} instead of a
 *       {@code timestamp}: it is sent that many milliseconds after the previous answer.</li>
 * </ul>
 * Other fields are ignored. A line that is not such an object is skipped and named in {@link #skipped()}.
 *
 * @param file      where it was read from
 * @param visits    what each virtual user plays: a session, or one request; ascending by start
 * @param lines     non-blank lines read
 * @param skipped   one message per skipped line, naming it ({@code line 12: input_length ...})
 * @param blockSize tokens per {@code hash_ids} block
 */
public record Trace(Path file, List<Visit> visits, int lines, List<String> skipped, int blockSize) {

  /** Mooncake's block size (its traces' {@code hash_ids} are 512-token blocks), also AIPerf's default. */
  public static final int DEFAULT_BLOCK_SIZE = 512;

  public Trace {
    visits = List.copyOf(visits);
    skipped = List.copyOf(skipped);
  }

  /**
   * One request of the trace.
   *
   * @param line         its line number in the file (1-based)
   * @param timestampMs  recorded send time, milliseconds from the trace's start
   * @param inputLength  prompt tokens (a session turn: its new message's tokens)
   * @param outputLength answer tokens
   * @param hashIds      prompt blocks (maybe empty)
   * @param sessionId    session, or null
   * @param delayMs      a later session turn without {@code timestamp} (AIPerf's {@code delay}): sent this long after
   *                     the previous answer; null otherwise ({@code timestampMs} is then NaN)
   */
  public record Request(int line, double timestampMs, int inputLength, int outputLength, List<String> hashIds,
                        String sessionId, Double delayMs) {
    public Request {
      hashIds = List.copyOf(hashIds);
    }

    /** A request sent at its recorded time. */
    public Request(int line, double timestampMs, int inputLength, int outputLength, List<String> hashIds,
        String sessionId) {
      this(line, timestampMs, inputLength, outputLength, hashIds, sessionId, null);
    }

    /** Whether it is sent {@link #delayMs} after the previous answer rather than at a recorded time. */
    public boolean afterDelay() {
      return delayMs != null;
    }
  }

  /**
   * What one virtual user replays: the turns of a session, or a single request.
   *
   * @param sessionId the session, null for a request without one
   * @param requests  its requests in the order they are sent (ascending timestamps)
   */
  public record Visit(String sessionId, List<Request> requests) {
    public Visit {
      requests = List.copyOf(requests);
    }

    /** When the visit begins: its first request's recorded time, ms. */
    public double startMs() {
      return requests.get(0).timestampMs();
    }
  }

  /** Every request, in no particular order. */
  public int requests() {
    return visits.stream().mapToInt(v -> v.requests().size()).sum();
  }

  /** Sessions (visits with a {@code session_id}). */
  public long sessions() {
    return visits.stream().filter(v -> v.sessionId() != null).count();
  }

  /** The last request's recorded time, ms (0 for an empty trace). */
  public double spanMs() {
    return visits.stream().flatMap(v -> v.requests().stream()).filter(r -> !r.afterDelay())
        .mapToDouble(Request::timestampMs).max().orElse(0);
  }

  /** This injector's share: every {@code count}-th visit from the {@code index}-th (1-based); sessions stay whole. */
  public Trace shard(int index, int count) {
    new Shard(index, count);
    if (count == 1) {
      return this;
    }
    List<Visit> share = new ArrayList<>();
    for (int i = index - 1; i < visits.size(); i += count) {
      share.add(visits.get(i));
    }
    return new Trace(file, share, lines, skipped, blockSize);
  }

  /**
   * Reads a trace file.
   *
   * @throws ConfigException naming the file when it is missing or unreadable, or when no line is a request (then
   *                         naming the first bad line)
   */
  public static Trace load(Path file, int blockSize) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("trace " + file + ": no such file");
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(file, reader, blockSize);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ConfigException("trace " + file + ": cannot read it (" + e.getMessage() + ")");
    }
  }

  /** Reads a trace from text (tests). */
  public static Trace parse(String text, int blockSize) {
    try {
      return read(Path.of("trace.jsonl"), new StringReader(text), blockSize);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Trace read(Path file, Reader source, int blockSize) throws IOException {
    if (blockSize < 1) {
      throw new IllegalArgumentException("blockSize must be >= 1, was " + blockSize);
    }
    List<Request> requests = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int lines = 0;
    BufferedReader reader = new BufferedReader(source);
    int number = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      lines++;
      try {
        requests.add(request(number, line));
      } catch (IllegalArgumentException e) {
        skipped.add("line " + number + ": " + e.getMessage());
      }
    }
    List<Visit> visits = visits(requests, skipped);
    if (visits.isEmpty()) {
      throw new ConfigException("trace " + file + ": no request in it"
          + (skipped.isEmpty() ? " (empty file)" : " (" + skipped.get(0) + ")"));
    }
    return new Trace(file, visits, lines, skipped, blockSize);
  }

  /**
   * Requests without a session are visits of their own; a session's requests are one visit, in time order (in file
   * order when some of its turns are sent after a {@code delay}). A session that does not begin with a timestamp
   * cannot be placed: its lines are skipped.
   */
  private static List<Visit> visits(List<Request> requests, List<String> skipped) {
    Map<String, List<Request>> sessions = new LinkedHashMap<>();
    List<Visit> visits = new ArrayList<>();
    for (Request r : requests) {
      if (r.sessionId() == null) {
        visits.add(new Visit(null, List.of(r)));
      } else {
        sessions.computeIfAbsent(r.sessionId(), id -> new ArrayList<>()).add(r);
      }
    }
    Comparator<Request> byTime = Comparator.comparingDouble(Request::timestampMs).thenComparingInt(Request::line);
    sessions.forEach((id, turns) -> {
      if (turns.stream().noneMatch(Request::afterDelay)) {
        turns.sort(byTime);
      }
      if (turns.get(0).afterDelay()) {
        turns.forEach(t -> skipped.add("line " + t.line() + ": session " + id + " has no timestamp before its first"
            + " delay, so it cannot be placed in time"));
        return;
      }
      visits.add(new Visit(id, turns));
    });
    skipped.sort(Comparator.comparingInt(Trace::lineNumber));
    visits.sort(Comparator.comparingDouble(Visit::startMs).thenComparingInt(v -> v.requests().get(0).line()));
    return visits;
  }

  private static Request request(int number, String line) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON object (" + firstLine(e.getMessage()) + ")");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode timestamp = node.path("timestamp");
    JsonNode delay = node.path("delay");
    boolean afterDelay = timestamp.isMissingNode() && !delay.isMissingNode() && node.has("session_id");
    if (afterDelay && !(delay.isNumber() && delay.asDouble() >= 0 && !Double.isInfinite(delay.asDouble()))) {
      throw new IllegalArgumentException("delay must be a number of milliseconds >= 0, was " + shown(delay));
    }
    if (!afterDelay && (!timestamp.isNumber() || !(timestamp.asDouble() >= 0)
        || Double.isInfinite(timestamp.asDouble()))) {
      throw new IllegalArgumentException("timestamp must be a number of milliseconds >= 0, was " + shown(timestamp));
    }
    int input = wholeNumber(node, "input_length");
    int output = wholeNumber(node, "output_length");
    List<String> hashIds = new ArrayList<>();
    JsonNode ids = node.path("hash_ids");
    if (!ids.isMissingNode() && !ids.isNull()) {
      if (!ids.isArray()) {
        throw new IllegalArgumentException("hash_ids must be an array of block ids, was " + shown(ids));
      }
      for (JsonNode id : ids) {
        if (!(id.isIntegralNumber() || id.isTextual())) {
          throw new IllegalArgumentException("hash_ids must hold whole numbers or strings, found " + shown(id));
        }
        hashIds.add(id.asText());
      }
    }
    JsonNode session = node.path("session_id");
    String sessionId = null;
    if (!session.isMissingNode() && !session.isNull()) {
      if (!(session.isTextual() || session.isIntegralNumber()) || session.asText().isEmpty()) {
        throw new IllegalArgumentException("session_id must be a string or a whole number, was " + shown(session));
      }
      sessionId = session.asText();
    }
    return afterDelay ? new Request(number, Double.NaN, input, output, hashIds, sessionId, delay.asDouble())
        : new Request(number, timestamp.asDouble(), input, output, hashIds, sessionId);
  }

  private static int lineNumber(String skippedMessage) {
    return Integer.parseInt(skippedMessage.substring("line ".length(), skippedMessage.indexOf(':')));
  }

  private static int wholeNumber(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
      throw new IllegalArgumentException(field + " must be a whole number of tokens >= 1, was " + shown(value));
    }
    return value.asInt();
  }

  private static String shown(JsonNode value) {
    if (value.isMissingNode()) {
      return "missing";
    }
    String text = value.toString();
    return text.length() <= 40 ? text : text.substring(0, 39) + "…";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
