package io.llmgatling.simulator.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.simulator.ModelSpec;
import io.llmgatling.simulator.SimulatorConfig;
import io.llmgatling.simulator.SlotScheduler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A request without a socket: feeds a dialect's handler a body, keeps what it answered, and plays a scripted
 * generation through the dialect's {@link WireFormat} the way the engine frames it.
 */
public final class ScriptedExchange implements ServerExchange {
  /** One answer written directly (not generated). */
  public record Answer(int status, String contentType, String body) {
  }

  private final SimulatorConfig config;
  private final String method;
  private final String path;
  private final String body;
  public final List<Answer> answers = new ArrayList<>();
  public GenerationRequest generated;
  public Admitted admitted;
  private ServerDialect dialect;

  public ScriptedExchange(SimulatorConfig config, String method, String path, String body) {
    this.config = config;
    this.method = method;
    this.path = path;
    this.body = body;
  }

  /** Runs the route {@code dialect} declares for this method and path. */
  public ScriptedExchange through(ServerDialect d) {
    this.dialect = d;
    List<Routes.Handler> found = new ArrayList<>();
    d.routes(new Routes() {
      @Override
      public Routes get(String p, Handler h) {
        if ((method.equals("GET") || method.equals("HEAD")) && p.equals(path)) {
          found.add(h);
        }
        return this;
      }

      @Override
      public Routes post(String p, Handler h) {
        if (method.equals("POST") && p.equals(path)) {
          found.add(h);
        }
        return this;
      }

      @Override
      public Routes getUnder(String prefix, Handler h) {
        return this;
      }

      @Override
      public Routes probe(String p, Handler h) {
        return get(p, h);
      }

      @Override
      public Routes notFound(String prefix, Handler h) {
        return this;
      }
    }, config);
    if (found.isEmpty()) {
      throw new IllegalArgumentException(d.name() + " declares no " + method + " " + path);
    }
    found.get(found.size() - 1).handle(this);
    return this;
  }

  /** The stream a scripted generation of {@code tokens} writes, timestamps and {@code created} masked. */
  public static String stream(WireFormat wire, List<String> tokens, Outcome outcome) {
    ChunkTemplate t = wire.chunkTemplate();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] frame : wire.streamStart()) {
      out.writeBytes(frame);
    }
    for (String token : tokens) {
      out.writeBytes(t.prefix());
      if (t.middle() != null) {
        out.writeBytes("TS".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(t.middle());
      }
      out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
      out.writeBytes(t.suffix());
    }
    for (byte[] frame : wire.streamEnd(outcome)) {
      out.writeBytes(frame);
    }
    return mask(out.toString(StandardCharsets.UTF_8));
  }

  /** Wall-clock fields masked: {@code created_at} as TS, {@code created} as 0. */
  public static String mask(String s) {
    return s.replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "TS").replaceAll("\"created\":\\d+", "\"created\":0");
  }

  public static String mask(byte[] b) {
    return mask(new String(b, StandardCharsets.UTF_8));
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public SimulatorConfig config() {
    return config;
  }

  @Override
  public long startedAtMillis() {
    return 1_767_225_600_000L;
  }

  @Override
  public List<SlotScheduler.LoadedModel> loadedModels() {
    return List.of();
  }

  @Override
  public boolean isLoaded(ModelSpec model) {
    return false;
  }

  @Override
  public SlotScheduler scheduler() {
    throw new UnsupportedOperationException("no engine behind a scripted exchange");
  }

  @Override
  public JsonNode body() {
    try {
      return Frames.JSON.readTree(body);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public void error(int status, String message) {
    answers.add(new Answer(status, "application/json; charset=utf-8", dialect.errorBody(status, message)));
  }

  @Override
  public void json(int status, JsonNode json, String modelName) {
    answers.add(new Answer(status, "application/json; charset=utf-8", json.toString()));
  }

  @Override
  public void respond(int status, String contentType, String text) {
    answers.add(new Answer(status, contentType, text));
  }

  @Override
  public Admitted admit(JsonNode json, Kind kind) {
    ModelSpec m = config.model(json.path("model").asText());
    admitted = new Admitted(m, json.path("model").asText(), 7, new SplittableRandom(1), 0, null);
    return admitted;
  }

  @Override
  public void generate(Admitted a, GenerationRequest request) {
    generated = request;
  }
}
