package io.llmgatling.report;

import io.llmgatling.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the page template: uPlot's JS and CSS (from the webjar on the classpath) and our own are inlined, and
 * the data goes in as one script-safe JSON blob that the page renders with {@code textContent} only.
 * The placeholders are replaced in a single pass, so inserted text is never scanned for placeholders again.
 */
final class HtmlPage {
  static final String UPLOT_DIST = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Z_]+)}}");

  private HtmlPage() {
  }

  /** Writes {@code file} with {@code data} (serialized by Jackson) embedded. */
  static void write(Path file, Object data) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, render(data), StandardCharsets.UTF_8);
  }

  static String render(Object data) {
    Map<String, String> parts = Map.of(
        "UPLOT_CSS", resource(UPLOT_DIST + "uPlot.min.css"),
        "UPLOT_JS", resource(UPLOT_DIST + "uPlot.iife.min.js"),
        "REPORT_CSS", resource("io/llmgatling/report/report.css"),
        "REPORT_JS", resource("io/llmgatling/report/report.js"),
        "DATA", Json.toScriptSafeJson(data));
    String template = resource("io/llmgatling/report/report.html");
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder page = new StringBuilder(template.length() + 200_000);
    while (matcher.find()) {
      String part = parts.get(matcher.group(1));
      if (part == null) {
        throw new IllegalStateException("unknown placeholder " + matcher.group());
      }
      matcher.appendReplacement(page, Matcher.quoteReplacement(part));
    }
    matcher.appendTail(page);
    return page.toString();
  }

  private static String resource(String name) {
    try (InputStream in = HtmlPage.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource on the classpath: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
