package io.llmgatling.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.engine.BaseUrl;
import io.llmgatling.engine.client.ClientOptions;
import io.llmgatling.engine.client.LlmClient;
import io.llmgatling.engine.client.TlsTrust;
import io.llmgatling.json.Json;
import io.llmgatling.engine.dialect.Dialect;
import io.llmgatling.engine.dialect.ServerInfo;
import io.llmgatling.engine.dialect.ServerQuery;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.Optional;

/**
 * Asks the target, before any load, whether it is up and serves the models the run needs. A load test against
 * a dead server or a missing model would only produce a wall of identical KOs; this says what is wrong in one
 * line instead. It asks through the load's own client ({@link LlmClient#get}), so TLS and connect settings are
 * the load's, and through the run's dialect ({@link Dialect#describeServer}), which knows its API's paths.
 */
public final class ServerPreflight {

  /** What the server said about itself. */
  public record Result(String version, List<String> models, Integer slots) {
  }

  /** The target is not usable; the message is one line for the user. */
  public static final class PreflightException extends RuntimeException {
    public PreflightException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = Json.MAPPER;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

  private ServerPreflight() {
  }

  /**
   * Checks the server and that every wanted model is there.
   *
   * @param api     the API spoken (its dialect says which paths to ask and how to read them)
   * @param baseUrl server root
   * @param apiKey  bearer token or null
   * @param wanted  models the run will ask for
   * @param insecureTls accept self-signed certificates
   * @return the server's version (when it tells) and its models
   * @throws PreflightException with a one-line explanation
   */
  public static Result check(Dialect api, BaseUrl baseUrl, String apiKey, List<String> wanted, boolean insecureTls) {
    // the load's own client: one HTTP stack, so TLS (insecureTls: any certificate, any host name) and connect
    // rules are the same before the load as during it
    try (LlmClient client = new LlmClient(ClientOptions.defaults().withInsecureTls(insecureTls))) {
      return check(client, api, baseUrl, apiKey, wanted);
    }
  }

  /**
   * The dialect the run speaks to this server ({@link Dialect#choose}): {@code lmstudio} asks the server whether it
   * has REST v1; every other API is itself, and no request is made.
   */
  public static Dialect choose(Dialect api, BaseUrl baseUrl, String apiKey, boolean insecureTls) {
    LlmClient[] client = new LlmClient[1];
    try {
      return api.choose(new ServerQuery() {
        @Override
        public JsonNode get(String path) {
          if (client[0] == null) {
            client[0] = new LlmClient(ClientOptions.defaults().withInsecureTls(insecureTls));
          }
          return ServerPreflight.get(client[0], baseUrl, path, apiKey);
        }

        @Override
        public Optional<JsonNode> tryGet(String path) {
          try {
            return Optional.of(get(path));
          } catch (PreflightException e) {
            return Optional.empty();
          }
        }
      });
    } finally {
      if (client[0] != null) {
        client[0].close();
      }
    }
  }

  private static Result check(LlmClient client, Dialect api, BaseUrl baseUrl, String apiKey, List<String> wanted) {
    ServerInfo info = api.describeServer(new ServerQuery() {
      @Override
      public JsonNode get(String path) {
        return ServerPreflight.get(client, baseUrl, path, apiKey);
      }

      @Override
      public Optional<JsonNode> tryGet(String path) {
        try {
          return Optional.of(ServerPreflight.get(client, baseUrl, path, apiKey));
        } catch (PreflightException e) {
          return Optional.empty();
        }
      }
    });
    List<String> models = info.models();
    List<String> missing = wanted.stream().filter(w -> !api.servesModel(models, w)).toList();
    if (!missing.isEmpty()) {
      throw new PreflightException("model" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
          + " not found on " + baseUrl + " (" + api.id() + "); it serves: "
          + (models.isEmpty() ? "no models" : String.join(", ", models)) + ". " + api.missingModelHint());
    }
    return new Result(info.version(), models, info.slots());
  }

  private static JsonNode get(LlmClient client, BaseUrl baseUrl, String path, String apiKey) {
    URI uri = URI.create(baseUrl.uri() + path);
    String where = baseUrl.toString();
    String what = where + path;
    LlmClient.GetResponse response;
    try {
      response = client.get(uri, apiKey, CONNECT_TIMEOUT, ANSWER_TIMEOUT).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PreflightException("interrupted while checking " + where);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConnectTimeoutException) {
        throw new PreflightException("cannot connect to " + where + ": connect timed out. Is the server running?");
      }
      if (cause instanceof ConnectException) {
        throw new PreflightException("cannot connect to " + where + ": connection refused. Is the server running"
            + " and is llm.baseUrl right?");
      }
      if (cause instanceof TimeoutException) {
        throw new PreflightException("server at " + where + " did not answer " + path + " within "
            + ANSWER_TIMEOUT.toSeconds() + " s");
      }
      if (TlsTrust.isUntrustedCertificate(cause)) {
        throw new PreflightException("the TLS certificate of " + where + " is not trusted (" + rootMessage(cause)
            + "); " + TlsTrust.OPT_IN_HINT);
      }
      if (cause instanceof UnknownHostException) {
        throw new PreflightException("cannot reach " + where + ": unknown host " + baseUrl.uri().getHost());
      }
      throw new PreflightException("cannot reach " + where + ": " + describe(cause));
    }
    if (response.status() == 401 || response.status() == 403) {
      throw new PreflightException(what + " answered HTTP " + response.status() + ": check llm.apiKey");
    }
    if (response.status() != 200) {
      throw new PreflightException(what + " answered HTTP " + response.status()
          + ": is this really a " + "server of that kind? (check llm.target and llm.baseUrl)");
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new PreflightException(what + " did not answer JSON: check llm.target and llm.baseUrl");
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null) {
      m += " (" + cause.getMessage() + ")";
    }
    return m;
  }
}
