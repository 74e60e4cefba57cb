package io.llmgatling.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A server root ({@code llm.baseUrl}, the protocol's {@code .baseUrl(...)}), parsed and normalised once: http or
 * https with a host, no query or fragment, no trailing slash, and no trailing {@code /v1} (OpenAI-style docs give
 * the root with it, e.g. LM Studio's {@code http://localhost:1234/v1}; the client adds it to every OpenAI path).
 *
 * <p>Credentials written into it ({@code http://user:secret@host:port}) are never printed: {@link #toString()}
 * masks them as {@code http://***@host:port}, and so does every message built from it. Only {@link #uri()}
 * gives the real URI, for the places that make a connection.
 */
public final class BaseUrl {
  private static final String EXAMPLE = "e.g. http://localhost:11434";
  private final URI uri;
  private final String shown;

  private BaseUrl(URI uri) {
    this.uri = uri;
    this.shown = mask(uri);
  }

  /**
   * Parses a base URL as the user wrote it.
   *
   * @param text the URL
   * @return the normalised root
   * @throws IllegalArgumentException saying what is accepted, with any credentials masked
   */
  public static BaseUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an empty base URL is not an http(s) URL with a host, " + EXAMPLE);
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + maskText(text.trim()) + "' is not an http(s) URL with a host, "
          + EXAMPLE);
    }
    return of(uri);
  }

  /**
   * The normalised root of a URI.
   *
   * @param uri an http(s) URI with a host
   * @return the normalised root
   * @throws IllegalArgumentException saying what is accepted, with any credentials masked
   */
  public static BaseUrl of(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isEmpty()
        || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("'" + mask(uri) + "' is not an http(s) URL with a host, " + EXAMPLE);
    }
    String root = uri.toString();
    while (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    if (root.endsWith("/v1")) {
      root = root.substring(0, root.length() - 3);
    }
    return new BaseUrl(URI.create(root));
  }

  /**
   * The real URI, credentials included: only for making a connection, never for a message or a file.
   *
   * @return the root URI
   */
  public URI uri() {
    return uri;
  }

  /** Whether credentials are written into the URL. */
  public boolean hasCredentials() {
    return uri.getRawUserInfo() != null;
  }

  /** The root with any credentials masked ({@code http://***@host:port}): safe for messages and files. */
  @Override
  public String toString() {
    return shown;
  }

  /**
   * A URI as it may be shown: credentials ({@code user:secret@}) masked as {@code ***@}.
   *
   * @param uri any URI, or null
   * @return the masked text ("null" for null)
   */
  public static String mask(URI uri) {
    if (uri == null) {
      return "null";
    }
    String userInfo = uri.getRawUserInfo();
    return userInfo == null ? uri.toString() : uri.toString().replace(userInfo + "@", "***@");
  }

  /** Masks {@code scheme://userinfo@} in text that may not even parse as a URI. */
  private static String maskText(String text) {
    return text.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@?#]*@", "$1***@");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BaseUrl that && uri.equals(that.uri);
  }

  @Override
  public int hashCode() {
    return uri.hashCode();
  }
}
