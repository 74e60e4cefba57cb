package io.llmgatling.workload;

import java.util.Objects;
import java.util.function.Function;

/**
 * One {@code llm.*} key, declared once in {@link Keys}: its name, how its text is read, its default and the row
 * of the keys table in {@code docs/workload.md} (a test checks that table against these declarations).
 *
 * @param name         the key, e.g. {@code llm.rate}; a family of keys names its variable part in angle brackets
 *                     ({@code llm.maxTokens.<task>})
 * @param section      the table of {@code docs/workload.md} that lists it
 * @param parser       reads the text; throws {@link IllegalArgumentException} saying what is accepted
 * @param defaultValue the value when the key is not set, or null when it depends on other keys (see
 *                     {@code defaultDoc})
 * @param defaultDoc   the default as the docs table shows it
 * @param doc          what the key accepts and does, as the docs table shows it (one line)
 * @param <T>          the parsed type
 */
public record ConfigKey<T>(String name, Section section, Function<String, T> parser, T defaultValue,
                           String defaultDoc, String doc) {

  /** The tables of {@code docs/workload.md}, in order. */
  public enum Section {
    TARGET("Target"), WORK("Work"), LOAD("Load"), VERDICT("Verdict and extras"), RUN("Run and output");

    private final String title;

    Section(String title) {
      this.title = title;
    }

    /** The heading of the section's table in {@code docs/workload.md}. */
    public String title() {
      return title;
    }
  }

  public ConfigKey {
    Objects.requireNonNull(name);
    Objects.requireNonNull(section);
    Objects.requireNonNull(parser);
    Objects.requireNonNull(defaultDoc);
    Objects.requireNonNull(doc);
  }

  /** Whether this declares a family of keys ({@code llm.maxTokens.<task>}) rather than one key. */
  public boolean isFamily() {
    return name.indexOf('<') >= 0;
  }

  /** The fixed start of the family's keys ({@code llm.maxTokens.}), or the name of a single key. */
  public String prefix() {
    int open = name.indexOf('<');
    return open < 0 ? name : name.substring(0, open);
  }

  /**
   * Reads a value of this key.
   *
   * @param key  the key as given (for a family, the member, e.g. {@code llm.maxTokens.chat})
   * @param text the value, not blank
   * @return the parsed value
   * @throws ConfigException one line naming {@code key} and what it accepts
   */
  public T parse(String key, String text) {
    try {
      return parser.apply(text);
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      throw ConfigException.forKey(key, e.getMessage());
    }
  }

  /** Reads a value of this (single) key; see {@link #parse(String, String)}. */
  public T parse(String text) {
    return parse(name, text);
  }

  /** The key's row in the docs table: {@code | `name` | default | accepted |}. */
  public String tableRow() {
    return "| `" + name + "` | " + defaultDoc + " | " + doc + " |";
  }

  @Override
  public String toString() {
    return name;
  }
}
