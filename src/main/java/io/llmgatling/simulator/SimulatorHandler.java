package io.llmgatling.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Routes one HTTP request: catalog endpoints answer at once, generating ones become a {@link Generation}. */
final class SimulatorHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Ollama's exact answer when its queue is full (two spaces included). */
  static final String BUSY_MESSAGE = "server busy, please try again.  maximum pending requests exceeded";
  private static final Pattern GO_DURATION = Pattern.compile("(-?\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private final LlmSimulator sim;
  private final SimulatorConfig config;

  SimulatorHandler(LlmSimulator sim) {
    this.sim = sim;
    this.config = sim.config();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    long arrival = System.nanoTime();
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    String path = new QueryStringDecoder(req.uri()).path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    Request r = new Request(ctx, req.method().name(), path, req.headers().get("X-Request-Id"), arrival, keepAlive);
    if (!req.decoderResult().isSuccess()) {
      r.respond(400, "text/plain; charset=utf-8", "bad request", null);
      return;
    }
    HttpMethod method = req.method();
    if (method.equals(HttpMethod.POST)) {
      Endpoint endpoint = Endpoint.forPost(path);
      if (endpoint != null) {
        generate(r, endpoint, req);
        return;
      }
      if (path.equals("/api/show")) {
        show(r, req);
        return;
      }
    } else if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
      if (getCatalog(r, path)) {
        return;
      }
    }
    if (path.startsWith("/v1/")) {
      r.error(Endpoint.Family.OPENAI, 404, "Unexpected endpoint or method. (" + r.method + " " + path + ")");
    } else {
      r.respond(404, "text/plain", "404 page not found", null);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a peer that resets the connection is business as usual for a load-test target
    ctx.close();
  }

  // ---------------------------------------------------------------- catalog endpoints

  private boolean getCatalog(Request r, String path) {
    switch (path) {
      case "/" -> r.respond(200, "text/plain; charset=utf-8", "Ollama is running", null);
      case "/api/version" -> r.json(200, obj().put("version", config.serverVersion()), null);
      case "/api/tags" -> r.json(200, tags(), null);
      case "/api/ps" -> r.json(200, ps(), null);
      case "/v1/models" -> r.json(200, v1Models(), null);
      case "/api/v0/models" -> r.json(200, v0Models(), null);
      case "/health" -> r.json(200, obj().put("status", "ok"), null);
      default -> {
        if (path.startsWith("/v1/models/")) {
          ModelSpec m = config.model(path.substring("/v1/models/".length()));
          if (m == null) {
            r.error(Endpoint.Family.OPENAI, 404, "model \"" + path.substring(11) + "\" not found");
          } else {
            r.json(200, v1Model(m), null);
          }
          return true;
        }
        if (path.startsWith("/api/v0/models/")) {
          ModelSpec m = config.model(path.substring("/api/v0/models/".length()));
          if (m == null) {
            r.error(Endpoint.Family.LMSTUDIO, 404, "Model \"" + path.substring(15) + "\" not found");
          } else {
            r.json(200, v0Model(m), null);
          }
          return true;
        }
        return false;
      }
    }
    return true;
  }

  private ObjectNode tags() {
    ObjectNode root = obj();
    ArrayNode models = root.putArray("models");
    String modified = Instant.ofEpochMilli(sim.startedAtMillis()).toString();
    for (ModelSpec m : config.models()) {
      ObjectNode o = models.addObject();
      o.put("name", m.name());
      o.put("model", m.name());
      o.put("modified_at", modified);
      o.put("size", m.sizeBytes());
      o.put("digest", digest(m.name()));
      o.set("details", details(m));
    }
    return root;
  }

  private ObjectNode ps() {
    ObjectNode root = obj();
    ArrayNode models = root.putArray("models");
    long nowNanos = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    for (SlotScheduler.LoadedModel lm : sim.loadedModels()) {
      ModelSpec m = lm.spec();
      ObjectNode o = models.addObject();
      o.put("name", m.name());
      o.put("model", m.name());
      o.put("size", m.sizeBytes());
      o.put("digest", digest(m.name()));
      o.set("details", details(m));
      long expires = lm.expiresAtNanos() < 0
          ? nowMillis + 100L * 365 * 24 * 3600 * 1000
          : nowMillis + (lm.expiresAtNanos() - nowNanos) / 1_000_000;
      o.put("expires_at", Instant.ofEpochMilli(expires).toString());
      o.put("size_vram", m.sizeBytes());
      o.put("context_length", m.contextLength());
    }
    return root;
  }

  private static ObjectNode details(ModelSpec m) {
    ObjectNode d = obj();
    d.put("parent_model", "");
    d.put("format", "gguf");
    d.put("family", m.family());
    d.putArray("families").add(m.family());
    d.put("parameter_size", m.parameterSize());
    d.put("quantization_level", m.quantization());
    return d;
  }

  private void show(Request r, FullHttpRequest req) {
    JsonNode body = r.parseBody(Endpoint.Family.OLLAMA, req);
    if (body == null) {
      return;
    }
    String name = text(body, "model", text(body, "name", null));
    if (name == null || name.isEmpty()) {
      r.error(Endpoint.Family.OLLAMA, 400, "model is required");
      return;
    }
    ModelSpec m = config.model(name);
    if (m == null) {
      r.error(Endpoint.Family.OLLAMA, 404, "model '" + name + "' not found");
      return;
    }
    ObjectNode root = obj();
    root.put("license", "");
    root.put("modelfile", "# Modelfile generated by \"ollama show\"\nFROM " + m.name() + "\n");
    root.put("parameters", m.isEmbedding() ? "" : "stop                           \"<|eot_id|>\"");
    root.put("template", m.isEmbedding() ? "" : "{{ .Prompt }}");
    root.set("details", details(m));
    ObjectNode info = root.putObject("model_info");
    info.put("general.architecture", m.family());
    info.put("general.basename", m.name().split(":")[0]);
    info.put("general.parameter_count", parameterCount(m.parameterSize()));
    info.put("general.quantization_version", 2);
    info.put(m.family() + ".context_length", m.contextLength());
    info.put(m.family() + ".embedding_length", m.embeddingDimensions());
    ArrayNode caps = root.putArray("capabilities");
    if (m.isEmbedding()) {
      caps.add("embedding");
    } else {
      caps.add("completion").add("tools");
    }
    root.put("modified_at", Instant.ofEpochMilli(sim.startedAtMillis()).toString());
    r.json(200, root, m.name());
  }

  private ObjectNode v1Models() {
    ObjectNode root = obj();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (ModelSpec m : config.models()) {
      data.add(v1Model(m));
    }
    return root;
  }

  private ObjectNode v1Model(ModelSpec m) {
    ObjectNode o = obj();
    o.put("id", m.name());
    o.put("object", "model");
    o.put("created", sim.startedAtMillis() / 1000);
    o.put("owned_by", switch (config.profile()) {
      case "lmstudio" -> "organization_owner";
      case "llamacpp" -> "llamacpp";
      default -> "library";
    });
    return o;
  }

  private ObjectNode v0Models() {
    ObjectNode root = obj();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (ModelSpec m : config.models()) {
      data.add(v0Model(m));
    }
    return root;
  }

  private ObjectNode v0Model(ModelSpec m) {
    ObjectNode o = obj();
    o.put("id", m.name());
    o.put("object", "model");
    o.put("type", m.isEmbedding() ? "embeddings" : "llm");
    o.put("publisher", "lmstudio-community");
    o.put("arch", m.family());
    o.put("compatibility_type", "gguf");
    o.put("quantization", m.quantization());
    boolean loaded = sim.scheduler().isLoaded(m);
    o.put("state", loaded ? "loaded" : "not-loaded");
    o.put("max_context_length", m.contextLength());
    if (loaded) {
      o.put("loaded_context_length", Math.min(m.contextLength(), 4096 * 8));
    }
    return o;
  }

  static void lmStudioInfo(ObjectNode root, ModelSpec m) {
    ObjectNode info = root.putObject("model_info");
    info.put("arch", m.family());
    info.put("quant", m.quantization());
    info.put("format", "gguf");
    info.put("context_length", m.contextLength());
    ObjectNode runtime = root.putObject("runtime");
    runtime.put("name", "llama.cpp-linux-x86_64-nvidia-cuda12-avx2");
    runtime.put("version", "1.52.1");
    runtime.putArray("supported_formats").add("gguf");
  }

  // ---------------------------------------------------------------- generating endpoints

  private void generate(Request r, Endpoint endpoint, FullHttpRequest req) {
    Endpoint.Family family = endpoint.family;
    JsonNode body = r.parseBody(family, req);
    if (body == null) {
      return;
    }
    String name = text(body, "model", null);
    ModelSpec model = name == null || name.isEmpty() ? null : config.model(name);
    if (model == null && config.acceptAnyModel()) {
      model = firstModel(endpoint.kind == Endpoint.Kind.EMBED);
      name = name == null || name.isEmpty() ? model.name() : name;
    }
    r.model = name;
    if (name == null || name.isEmpty()) {
      r.error(family, 400, "model is required");
      return;
    }
    if (model == null) {
      r.error(family, 404, "model \"" + name + "\" not found, try pulling it first");
      return;
    }
    if (model.isEmbedding() && endpoint.kind != Endpoint.Kind.EMBED) {
      r.error(family, 400, "\"" + name + "\" does not support " + (endpoint.kind == Endpoint.Kind.CHAT
          ? "chat" : "generate"));
      return;
    }
    Job job = new Job();
    job.endpoint = endpoint;
    job.model = model;
    job.modelName = name;
    job.arrivalNanos = r.arrival;
    job.sequence = sim.nextSequence();
    job.requestId = r.requestId;
    job.method = r.method;
    job.path = r.path;
    job.keepConnection = r.keepAlive;
    SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + job.sequence);
    job.jitterSeed = random.nextLong();
    double faultDraw = random.nextDouble();
    job.fault = config.faults().any() ? config.faults().pick(faultDraw) : null;

    JsonNode options = family == Endpoint.Family.OLLAMA ? body.path("options") : body;
    int contextLimit = model.contextLength();
    if (family == Endpoint.Family.OLLAMA && options.path("num_ctx").canConvertToInt()
        && options.path("num_ctx").asInt() > 0) {
      contextLimit = options.path("num_ctx").asInt();
    }
    if (family == Endpoint.Family.OLLAMA && body.has("keep_alive")) {
      job.keepAliveNanos = parseKeepAlive(body.get("keep_alive"));
      if (job.keepAliveNanos == null) {
        r.error(family, 400, "time: invalid duration \"" + body.get("keep_alive").asText() + "\"");
        return;
      }
    }
    if (endpoint.kind == Endpoint.Kind.EMBED) {
      embedJob(r, job, body, contextLimit);
      return;
    }

    // prompt
    int promptTokens;
    boolean loadOnly = false;
    StringBuilder cacheKey = PrefixCacheText.start(job.model);
    if (endpoint.kind == Endpoint.Kind.CHAT) {
      JsonNode messages = body.path("messages");
      if (!messages.isArray() || messages.isEmpty()) {
        if (family == Endpoint.Family.OLLAMA) {
          loadOnly = true; // Ollama: a chat without messages just loads the model
        } else {
          r.error(family, 400, "'messages' is required and must be a non-empty array");
          return;
        }
      }
      promptTokens = 0;
      for (JsonNode message : messages) {
        String content = contentText(message.path("content"));
        promptTokens += PerformanceModel.estimateTokens(content, config.charsPerToken());
        PrefixCacheText.message(cacheKey, message.path("role").asText(), content);
      }
    } else {
      String prompt = contentText(body.path("prompt"));
      if (family == Endpoint.Family.OLLAMA) {
        prompt = contentText(body.path("system")) + prompt;
        loadOnly = prompt.isEmpty();
      }
      promptTokens = PerformanceModel.estimateTokens(prompt, config.charsPerToken());
      if (cacheKey != null) {
        cacheKey.append(prompt);
      }
    }
    boolean ollama = family == Endpoint.Family.OLLAMA;
    if (promptTokens > contextLimit) {
      if (!ollama) {
        r.error(family, 400, contextMessage(family, promptTokens, contextLimit));
        return;
      }
      // Ollama does not refuse a prompt over num_ctx: its runner logs "truncating input prompt" and keeps
      // the last num_ctx tokens, and prompt_eval_count says how many it read
      promptTokens = contextLimit;
    }
    job.promptTokens = promptTokens;
    job.cachedPrompt = PrefixCacheText.of(cacheKey, job.model);

    // streaming
    JsonNode stream = body.path("stream");
    job.stream = family == Endpoint.Family.OLLAMA ? !stream.isBoolean() || stream.asBoolean() : stream.asBoolean(false);
    job.includeUsage = job.stream && body.path("stream_options").path("include_usage").asBoolean(false);

    // answer length: a seeded natural length, capped by the request and the context
    JsonNode seed = options.path("seed");
    boolean deterministic = seed.canConvertToLong() || options.path("temperature").asDouble(1) == 0;
    job.textSeed = deterministic ? seed.asLong(0) * 31 + body.toString().hashCode() : random.nextLong();
    SplittableRandom lengthRandom = new SplittableRandom(job.textSeed ^ 0x5DEECE66DL);
    int natural = config.minOutputTokens()
        + lengthRandom.nextInt(config.maxOutputTokens() - config.minOutputTokens() + 1);
    Integer cap = outputCap(family, options, body);
    // Ollama shifts its context window when the answer fills it, so only num_predict ends an answer there
    int room = ollama ? Integer.MAX_VALUE : Math.max(0, contextLimit - promptTokens);
    int limit = cap == null ? room : Math.min(cap, room);
    if (loadOnly) {
      job.outputTokens = 0;
      job.doneReason = "load";
    } else if (limit < natural) {
      job.outputTokens = limit;
      job.doneReason = "length";
    } else {
      job.outputTokens = natural;
      job.doneReason = "stop";
    }
    new Generation(sim, r.ctx, job).start();
  }

  private void embedJob(Request r, Job job, JsonNode body, int contextLimit) {
    Endpoint endpoint = job.endpoint;
    JsonNode input = endpoint == Endpoint.OLLAMA_EMBEDDINGS ? body.path("prompt") : body.path("input");
    List<String> inputs = new ArrayList<>();
    if (input.isArray()) {
      input.forEach(n -> inputs.add(contentText(n)));
    } else if (!input.isMissingNode() && !input.isNull()) {
      inputs.add(contentText(input));
    }
    if (inputs.isEmpty() && endpoint != Endpoint.OLLAMA_EMBEDDINGS && endpoint != Endpoint.OLLAMA_EMBED) {
      r.error(endpoint.family, 400, "'input' is required");
      return;
    }
    int tokens = 0;
    boolean truncate = body.path("truncate").asBoolean(true);
    for (String s : inputs) {
      int t = PerformanceModel.estimateTokens(s, config.charsPerToken());
      if (t > contextLimit && (!truncate || endpoint.family != Endpoint.Family.OLLAMA)) {
        r.error(endpoint.family, 400, endpoint.family == Endpoint.Family.OLLAMA
            ? "the input length exceeds the context length"
            : contextMessage(endpoint.family, t, contextLimit));
        return;
      }
      tokens += Math.min(t, contextLimit);
    }
    job.inputs = inputs;
    job.promptTokens = tokens;
    job.outputTokens = 0;
    job.doneReason = "stop";
    int dims = job.model.embeddingDimensions();
    if (body.path("dimensions").canConvertToInt() && body.path("dimensions").asInt() > 0) {
      dims = Math.min(dims, body.path("dimensions").asInt());
    }
    job.dimensions = dims;
    job.base64 = endpoint.openAiShaped() && "base64".equals(body.path("encoding_format").asText("float"));
    job.normalize = endpoint != Endpoint.OLLAMA_EMBEDDINGS;
    new Generation(sim, r.ctx, job).start();
  }

  static String embeddingBody(Job job, SimulatorConfig config, Generation.Timings t) {
    ObjectNode root = obj();
    long seed = config.seed();
    switch (job.endpoint) {
      case OLLAMA_EMBEDDINGS -> {
        ArrayNode vector = root.putArray("embedding");
        if (!job.inputs.isEmpty()) {
          for (float f : TextSource.embedding(job.inputs.get(0), job.dimensions, seed, false)) {
            vector.add(f);
          }
        }
      }
      case OLLAMA_EMBED -> {
        root.put("model", job.modelName);
        ArrayNode all = root.putArray("embeddings");
        for (String s : job.inputs) {
          ArrayNode vector = all.addArray();
          for (float f : TextSource.embedding(s, job.dimensions, seed, true)) {
            vector.add(f);
          }
        }
        root.put("total_duration", t.total());
        root.put("load_duration", t.load());
        root.put("prompt_eval_count", job.promptTokens);
      }
      default -> {
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < job.inputs.size(); i++) {
          ObjectNode item = data.addObject();
          item.put("object", "embedding");
          float[] v = TextSource.embedding(job.inputs.get(i), job.dimensions, seed, true);
          if (job.base64) {
            item.put("embedding", TextSource.base64(v));
          } else {
            ArrayNode vector = item.putArray("embedding");
            for (float f : v) {
              vector.add(f);
            }
          }
          item.put("index", i);
        }
        root.put("model", job.modelName);
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", job.promptTokens);
        usage.put("total_tokens", job.promptTokens);
      }
    }
    return root.toString();
  }

  private ModelSpec firstModel(boolean embedding) {
    return config.models().stream().filter(m -> m.isEmbedding() == embedding).findFirst()
        .orElse(config.models().get(0));
  }

  private static Integer outputCap(Endpoint.Family family, JsonNode options, JsonNode body) {
    String[] keys = family == Endpoint.Family.OLLAMA
        ? new String[] {"num_predict"}
        : new String[] {"max_completion_tokens", "max_tokens", "n_predict"};
    for (String key : keys) {
      JsonNode v = options.path(key);
      if (v.canConvertToInt() && !v.isNull()) {
        int n = v.asInt();
        return n < 0 ? null : n; // -1: no limit (Ollama, llama-server)
      }
    }
    return null;
  }

  private String contextMessage(Endpoint.Family family, int tokens, int limit) {
    if (family == Endpoint.Family.LMSTUDIO || "lmstudio".equals(config.profile())) {
      return "Trying to keep the first " + tokens + " tokens when context the overflows. However, the model is "
          + "loaded with context length of only " + limit + " tokens, which is not enough. Try to load the model "
          + "with a larger context length, or provide a shorter input";
    }
    return "the request exceeds the available context size, try increasing it";
  }

  /** Ollama's keep_alive: seconds as a number, or a Go duration string; negative = forever. Null if invalid. */
  static Long parseKeepAlive(JsonNode v) {
    if (v.isNumber()) {
      return (long) (v.asDouble() * 1e9);
    }
    String s = v.asText().trim();
    if (s.isEmpty()) {
      return null;
    }
    if (s.matches("-?\\d+")) {
      return Long.parseLong(s) * 1_000_000_000L;
    }
    Matcher m = GO_DURATION.matcher(s);
    long total = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      end = m.end();
      double n = Double.parseDouble(m.group(1));
      double unit = switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      total += (long) (n * unit);
    }
    return end == s.length() ? total : null;
  }

  /** Text of a content field: a string, or OpenAI's array of parts. */
  private static String contentText(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        sb.append(part.isTextual() ? part.asText() : part.path("text").asText(""));
      }
      return sb.toString();
    }
    return content.isMissingNode() || content.isNull() ? "" : content.toString();
  }

  // ---------------------------------------------------------------- helpers

  /** An error body in the family's format. */
  static String errorBody(Endpoint.Family family, SimulatorConfig config, int status, String message) {
    ObjectNode root = obj();
    if (family == Endpoint.Family.OLLAMA || family == Endpoint.Family.LMSTUDIO) {
      root.put("error", message);
      return root.toString();
    }
    ObjectNode error = root.putObject("error");
    String type = switch (status) {
      case 400 -> "invalid_request_error";
      case 404 -> "not_found_error";
      case 503 -> config.llamacppTimings() ? "unavailable_error" : "api_error";
      default -> config.llamacppTimings() ? "server_error" : "api_error";
    };
    if (message.startsWith("the request exceeds")) {
      type = "exceed_context_size_error";
    }
    if (config.llamacppTimings()) {
      error.put("code", status);
      error.put("message", message);
      error.put("type", type);
    } else {
      error.put("message", message);
      error.put("type", type);
      error.putNull("param");
      error.putNull("code");
    }
    return root.toString();
  }

  static String fingerprint(SimulatorConfig config, ModelSpec model) {
    return switch (config.profile()) {
      case "lmstudio" -> model.name();
      case "llamacpp" -> config.serverVersion() + "-sim";
      default -> "fp_ollama";
    };
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  private static String digest(String name) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long parameterCount(String size) {
    try {
      String s = size.trim().toUpperCase();
      double n = Double.parseDouble(s.substring(0, s.length() - 1));
      return (long) (n * (s.endsWith("B") ? 1e9 : s.endsWith("M") ? 1e6 : 1));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** A request answered directly by the handler (catalog endpoints and early errors). */
  private final class Request {
    final ChannelHandlerContext ctx;
    final String method;
    final String path;
    final String requestId;
    final long arrival;
    final boolean keepAlive;
    String model;

    Request(ChannelHandlerContext ctx, String method, String path, String requestId, long arrival,
        boolean keepAlive) {
      this.ctx = ctx;
      this.method = method;
      this.path = path;
      this.requestId = requestId;
      this.arrival = arrival;
      this.keepAlive = keepAlive;
    }

    JsonNode parseBody(Endpoint.Family family, FullHttpRequest req) {
      if (req.content().readableBytes() == 0) {
        error(family, 400, family == Endpoint.Family.OLLAMA ? "missing request body" : "request body is empty");
        return null;
      }
      try {
        JsonNode body = JSON.readTree(new ByteBufInputStream(req.content()));
        if (body == null || !body.isObject()) {
          error(family, 400, "invalid request body: expected a JSON object");
          return null;
        }
        return body;
      } catch (IOException e) {
        String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        error(family, 400, "invalid request body: " + (msg == null ? "unparseable JSON" : msg.lines().findFirst()
            .orElse(msg)));
        return null;
      }
    }

    void error(Endpoint.Family family, int status, String message) {
      respond(status, "application/json; charset=utf-8", errorBody(family, config, status, message), model);
    }

    void json(int status, ObjectNode body, String modelName) {
      respond(status, "application/json; charset=utf-8", body.toString(), modelName);
    }

    void respond(int status, String contentType, String body, String modelName) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(status),
          "HEAD".equals(method) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
      HttpUtil.setContentLength(response, body.getBytes(StandardCharsets.UTF_8).length);
      if (!keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      long end = System.nanoTime();
      String api = path.startsWith("/v1") ? (config.llamacppTimings() ? "llamacpp" : "openai")
          : path.startsWith("/api/v0") ? "lmstudio" : path.startsWith("/api") ? "ollama" : "none";
      sim.record(new RequestTruth(requestId, method, path, modelName == null ? model : modelName, api, false,
          status, arrival, -1, -1, new long[0], end, 0, 0, null));
      // recorded before the write so the truth is there by the time the client has the answer
      if (keepAlive) {
        ctx.writeAndFlush(response, ctx.voidPromise());
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
