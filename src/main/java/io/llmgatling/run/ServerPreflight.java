package io.llmgatling.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.engine.ApiFlavor;
import io.llmgatling.engine.client.TlsTrust;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Asks the target, before any load, whether it is up and serves the models the run needs. A load test against
 * a dead server or a missing model would only produce a wall of identical KOs; this says what is wrong in one
 * line instead.
 */
public final class ServerPreflight {

  /** What the server said about itself. */
  public record Result(String version, List<String> models) {
  }

  /** The target is not usable; the message is one line for the user. */
  public static final class PreflightException extends RuntimeException {
    public PreflightException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerPreflight() {
  }

  /**
   * Checks the server and that every wanted model is there.
   *
   * @param api     the API flavour
   * @param baseUrl server root
   * @param apiKey  bearer token or null
   * @param wanted  models the run will ask for
   * @param insecureTls accept self-signed certificates
   * @return the server's version (when it tells) and its models
   * @throws PreflightException with a one-line explanation
   */
  public static Result check(ApiFlavor api, URI baseUrl, String apiKey, List<String> wanted, boolean insecureTls) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .sslContext(insecureTls ? InsecureTls.context() : defaultContext()).build();
    String version = null;
    if (api == ApiFlavor.OLLAMA) {
      JsonNode v = get(client, baseUrl, "/api/version", apiKey);
      version = v.path("version").asText(null);
    }
    JsonNode list = switch (api) {
      case OLLAMA -> get(client, baseUrl, "/api/tags", apiKey);
      case LMSTUDIO -> get(client, baseUrl, "/api/v0/models", apiKey);
      case OPENAI, LLAMACPP -> get(client, baseUrl, "/v1/models", apiKey);
    };
    List<String> models = new ArrayList<>();
    for (JsonNode m : api == ApiFlavor.OLLAMA ? list.path("models") : list.path("data")) {
      String name = api == ApiFlavor.OLLAMA ? m.path("name").asText(m.path("model").asText(""))
          : m.path("id").asText("");
      if (!name.isEmpty()) {
        models.add(name);
      }
    }
    List<String> missing = wanted.stream().filter(w -> !hasModel(api, models, w)).toList();
    if (!missing.isEmpty()) {
      throw new PreflightException("model" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
          + " not found on " + shown(baseUrl) + " (" + api.id() + "); it serves: "
          + (models.isEmpty() ? "no models" : String.join(", ", models))
          + (api == ApiFlavor.OLLAMA ? ". Pull it (ollama pull NAME) or set -Dllm.model=..." : ". Set -Dllm.model=..."));
    }
    return new Result(version, models);
  }

  private static boolean hasModel(ApiFlavor api, List<String> models, String wanted) {
    String w = wanted.toLowerCase(Locale.ROOT);
    for (String m : models) {
      String have = m.toLowerCase(Locale.ROOT);
      if (have.equals(w)) {
        return true;
      }
      // Ollama (also behind its /v1 API): "llama3.2" means "llama3.2:latest"
      if (!w.contains(":") && have.equals(w + ":latest")) {
        return true;
      }
    }
    // llama-server serves whatever single model it loaded, under any name the client gives
    return api == ApiFlavor.LLAMACPP && !models.isEmpty();
  }

  private static JsonNode get(HttpClient client, URI baseUrl, String path, String apiKey) {
    URI uri = URI.create(baseUrl.toString().replaceAll("/+$", "") + path);
    String where = shown(baseUrl);
    String what = shown(uri);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET();
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw new PreflightException("cannot connect to " + where + ": connect timed out. Is the server running?");
    } catch (ConnectException e) {
      throw new PreflightException("cannot connect to " + where + ": connection refused. Is the server running"
          + " and is llm.baseUrl right?");
    } catch (HttpTimeoutException e) {
      throw new PreflightException("server at " + where + " did not answer " + path + " within 15 s");
    } catch (IOException e) {
      if (TlsTrust.isUntrustedCertificate(e)) {
        throw new PreflightException("the TLS certificate of " + where + " is not trusted (" + rootMessage(e)
            + "); " + TlsTrust.OPT_IN_HINT);
      }
      throw new PreflightException("cannot reach " + where + ": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PreflightException("interrupted while checking " + where);
    }
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw new PreflightException(what + " answered HTTP " + response.statusCode() + ": check llm.apiKey");
    }
    if (response.statusCode() != 200) {
      throw new PreflightException(what + " answered HTTP " + response.statusCode()
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

  /** The URL as shown to the user: credentials in it ({@code user:pass@}) are masked. */
  static String shown(URI uri) {
    return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
  }

  private static String describe(IOException e) {
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

  private static javax.net.ssl.SSLContext defaultContext() {
    try {
      return javax.net.ssl.SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
