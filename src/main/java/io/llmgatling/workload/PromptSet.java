package io.llmgatling.workload;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Part;
import io.llmgatling.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The prompts of one task, read from JSONL or CSV, served to virtual users as a feeder.
 *
 * <p>JSONL lines may be any of:
 * <ul>
 *   <li>{@code {"prompt": "..."}} (also {@code "text"} or {@code "input"}), with optional {@code "system"}
 *       and {@code "turns": ["follow-up", ...]};</li>
 *   <li>{@code {"document": "...", "question": "..."}} for long-context tasks;</li>
 *   <li>{@code {"messages": [{"role": "system|user|assistant", "content": "..."}, ...]}}: sent as the
 *       conversation so far (a leading system message becomes {@code system}), optional {@code "turns"};</li>
 *   <li>ShareGPT {@code {"conversations": [{"from": "system|human|gpt", "value": "..."}, ...]}}: the first
 *       human message opens the conversation, later human messages become follow-up turns, and the
 *       recorded gpt answers are dropped because the model under test writes its own.</li>
 * </ul>
 * Prompts of the tools, structured and vision tasks add {@code "tools"} and {@code "toolResult"},
 * {@code "schema"} and {@code "schemaName"}, or {@code "image"} (see {@link Extras}).
 * Other fields are ignored. CSV needs a header with a {@code prompt} column and may have {@code system}.
 */
public final class PromptSet {

  /** Feeder key: the (last) user prompt text. */
  public static final String PROMPT = "prompt";
  /** Feeder key: {@code List<Message>}, the system message (if any) then the conversation so far. */
  public static final String MESSAGES = "messages";
  /** Feeder key: the system prompt, empty string when there is none (Gatling sessions hold no nulls). */
  public static final String SYSTEM = "system";
  /** Feeder key: {@code List<String>}, follow-up user messages of a multi-turn conversation (maybe empty). */
  public static final String TURNS = "turns";
  /** Feeder key: {@code List<String>}, texts to embed ({@code batchSize} of them; the prompt alone otherwise). */
  public static final String INPUTS = "inputs";
  /** Feeder key: {@code JsonNode}, the tools a prompt offers (OpenAI's shape); only for prompts with tools. */
  public static final String TOOLS = "tools";
  /** Feeder key: the result the called tool gives back in the second turn; only for prompts with tools. */
  public static final String TOOL_RESULT = "toolResult";
  /** Feeder key: {@code JsonNode}, the JSON schema the answer must follow; only for prompts with a schema. */
  public static final String SCHEMA = "schema";
  /** Feeder key: the schema's name (response formats want one); only for prompts with a schema. */
  public static final String SCHEMA_NAME = "schemaName";

  private static final ObjectMapper JSON = Json.MAPPER;

  /**
   * One prompt, normalised whatever the source format.
   *
   * @param system   system prompt, empty when none
   * @param messages the conversation so far without the system message, ending with a user message
   * @param turns    later user messages, each sent after the model answered the previous one
   */
  public record Entry(String system, List<Message> messages, List<String> turns, Extras extras) {
    public Entry {
      system = system == null ? "" : system;
      messages = List.copyOf(messages);
      turns = List.copyOf(turns);
      extras = extras == null ? Extras.NONE : extras;
      if (messages.isEmpty()) {
        throw new IllegalArgumentException("no user message");
      }
    }

    /** A prompt without tools, schema or image. */
    public Entry(String system, List<Message> messages, List<String> turns) {
      this(system, messages, turns, Extras.NONE);
    }

    /** A single user prompt. */
    public static Entry of(String prompt) {
      return new Entry("", List.of(Message.user(prompt)), List.of());
    }

    /** The text of the last user message. */
    public String prompt() {
      return messages.get(messages.size() - 1).text();
    }

    /** The messages to send: the system message (if any) then the conversation. */
    public List<Message> messagesWithSystem() {
      if (system.isEmpty()) {
        return messages;
      }
      List<Message> all = new ArrayList<>(messages.size() + 1);
      all.add(Message.system(system));
      all.addAll(messages);
      return List.copyOf(all);
    }
  }

  /**
   * What a prompt of the tools, structured or vision tasks carries besides its text.
   *
   * @param tools      tool definitions in OpenAI's shape ({@code [{type: function, function: {name, description,
   *                   parameters}}]}), or null
   * @param toolResult what the called tool answers (sent back in the second turn), or null
   * @param schema     the JSON schema the answer must follow, or null
   * @param schemaName the schema's name, or null
   * @param image      the image to generate and send with the prompt, or null
   */
  public record Extras(JsonNode tools, String toolResult, JsonNode schema, String schemaName, Images.Spec image) {
    static final Extras NONE = new Extras(null, null, null, null, null);
  }

  private final String source;
  private final List<Entry> entries;
  private final int batchSize;
  /** The images of the prompts that have one, generated once each (seeded by the prompt's line), by index. */
  private final Map<Integer, byte[]> images = new ConcurrentHashMap<>();

  /**
   * @param source    where the prompts come from, shown in messages and reports
   * @param entries   at least one
   * @param batchSize texts per {@link #INPUTS} record (8 for embeddings, 1 otherwise)
   */
  public PromptSet(String source, List<Entry> entries, int batchSize) {
    if (entries.isEmpty()) {
      throw new ConfigException("prompt set " + source + ": no prompts in it");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    this.source = source;
    this.entries = List.copyOf(entries);
    this.batchSize = batchSize;
  }

  /**
   * Reads a prompt file, JSONL unless its name ends with {@code .csv}.
   *
   * @throws ConfigException naming the path when it is missing, unreadable or malformed
   */
  public static PromptSet load(Path path, int batchSize) {
    if (!Files.isRegularFile(path)) {
      throw new ConfigException("prompt set " + path + ": no such file");
    }
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return parse(path.toString(), reader, batchSize);
    } catch (IOException e) {
      throw new ConfigException("prompt set " + path + ": cannot read it (" + e.getMessage() + ")");
    }
  }

  /**
   * Reads a prompt file from the class path (e.g. {@code prompts/chat.jsonl}, since {@code user-files/} is
   * a test resource root).
   *
   * @throws ConfigException naming the resource when it is missing or malformed
   */
  public static PromptSet loadResource(String resource, int batchSize) {
    InputStream in = PromptSet.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new ConfigException("prompt set classpath:" + resource + ": no such resource");
    }
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return parse("classpath:" + resource, reader, batchSize);
    } catch (IOException e) {
      throw new ConfigException("prompt set classpath:" + resource + ": cannot read it (" + e.getMessage() + ")");
    }
  }

  /** Parses JSONL, or CSV when {@code source} ends with {@code .csv}. */
  public static PromptSet parse(String source, Reader reader, int batchSize) throws IOException {
    List<Entry> entries = source.toLowerCase(Locale.ROOT).endsWith(".csv")
        ? readCsv(source, reader) : readJsonl(source, reader);
    return new PromptSet(source, entries, batchSize);
  }

  /** Where the prompts come from. */
  public String source() {
    return source;
  }

  /** All prompts in file order. */
  public List<Entry> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  public int batchSize() {
    return batchSize;
  }

  /**
   * An endless feeder drawing prompts at random; the same seed gives the same sequence. The records hold
   * {@link #PROMPT}, {@link #MESSAGES}, {@link #SYSTEM}, {@link #TURNS} and {@link #INPUTS}. Safe to call
   * from several threads.
   */
  public Iterator<Map<String, Object>> feeder(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return new EndlessFeeder(() -> random.nextInt(entries.size()));
  }

  /** An endless feeder going through the prompts in file order, then again from the first. */
  public Iterator<Map<String, Object>> circular() {
    int[] next = {0};
    return new EndlessFeeder(() -> {
      int index = next[0];
      next[0] = (index + 1) % entries.size();
      return index;
    });
  }

  /** Builds one feeder record around the entry at {@code index}; batches take the following entries. */
  private Map<String, Object> record(int index, java.util.function.IntSupplier nextIndex) {
    Entry entry = entries.get(index);
    Map<String, Object> record = new HashMap<>();
    record.put(PROMPT, entry.prompt());
    record.put(MESSAGES, withImage(entry, index));
    Extras extras = entry.extras();
    if (extras.tools() != null) {
      record.put(TOOLS, extras.tools());
      record.put(TOOL_RESULT, extras.toolResult() == null ? "{}" : extras.toolResult());
    }
    if (extras.schema() != null) {
      record.put(SCHEMA, extras.schema());
      record.put(SCHEMA_NAME, extras.schemaName() == null ? "answer" : extras.schemaName());
    }
    record.put(SYSTEM, entry.system());
    record.put(TURNS, entry.turns());
    List<String> inputs = new ArrayList<>(batchSize);
    inputs.add(entry.prompt());
    for (int i = 1; i < batchSize; i++) {
      inputs.add(entries.get(nextIndex.getAsInt()).prompt());
    }
    record.put(INPUTS, List.copyOf(inputs));
    return record;
  }

  /** The messages to send; a prompt with an image gets it (generated once, seeded by its line) after its text. */
  private List<Message> withImage(Entry entry, int index) {
    List<Message> messages = entry.messagesWithSystem();
    Images.Spec spec = entry.extras().image();
    if (spec == null) {
      return messages;
    }
    byte[] image = images.computeIfAbsent(index, i -> Images.generate(spec, i));
    List<Message> withImage = new ArrayList<>(messages);
    Message last = withImage.remove(withImage.size() - 1);
    List<Part> parts = new ArrayList<>(last.parts());
    parts.add(new Part.Image(spec.mimeType(), image));
    withImage.add(new Message(last.role(), parts));
    return List.copyOf(withImage);
  }

  private final class EndlessFeeder implements Iterator<Map<String, Object>> {
    private final java.util.function.IntSupplier nextIndex;

    EndlessFeeder(java.util.function.IntSupplier nextIndex) {
      this.nextIndex = nextIndex;
    }

    @Override
    public boolean hasNext() {
      return true;
    }

    @Override
    public synchronized Map<String, Object> next() {
      return record(nextIndex.getAsInt(), nextIndex);
    }
  }

  // ---- JSONL ----

  private static List<Entry> readJsonl(String source, Reader reader) throws IOException {
    List<Entry> entries = new ArrayList<>();
    BufferedReader lines = new BufferedReader(reader);
    String line;
    int number = 0;
    while ((line = lines.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      String where = "prompt set " + source + " line " + number + ": ";
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (IOException e) {
        throw new ConfigException(where + "not valid JSON");
      }
      if (node == null || !node.isObject()) {
        throw new ConfigException(where + "expected a JSON object");
      }
      try {
        entries.add(entryOf(node));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(where + e.getMessage());
      }
    }
    return entries;
  }

  private static final String ACCEPTED_FIELDS =
      "expected \"prompt\", \"text\", \"input\", \"document\"+\"question\", \"messages\" or \"conversations\"";

  private static Entry entryOf(JsonNode node) {
    Entry entry = textEntryOf(node);
    Extras extras = extrasOf(node);
    return extras == Extras.NONE ? entry : new Entry(entry.system(), entry.messages(), entry.turns(), extras);
  }

  /**
   * The optional {@code "tools"} (array of OpenAI-shape definitions) with {@code "toolResult"} (a string, or JSON
   * sent as its text), {@code "schema"} (object) with {@code "schemaName"}, and {@code "image"} ({@code {width,
   * height, format: png|jpeg}}).
   */
  private static Extras extrasOf(JsonNode node) {
    JsonNode tools = node.get("tools");
    JsonNode schema = node.get("schema");
    JsonNode image = node.get("image");
    if (tools == null && schema == null && image == null) {
      return Extras.NONE;
    }
    if (tools != null && (!tools.isArray() || tools.isEmpty())) {
      throw new IllegalArgumentException("\"tools\" must be a non-empty array of tool definitions");
    }
    if (tools != null) {
      for (JsonNode tool : tools) {
        if (tool.path("function").path("name").asText("").isBlank()) {
          throw new IllegalArgumentException("each of \"tools\" needs function.name ({\"type\": \"function\", "
              + "\"function\": {\"name\", \"description\", \"parameters\"}})");
        }
      }
    }
    if (schema != null && !schema.isObject()) {
      throw new IllegalArgumentException("\"schema\" must be a JSON schema object");
    }
    JsonNode result = node.get("toolResult");
    String toolResult = result == null || result.isNull() ? null : result.isTextual() ? result.asText()
        : result.toString();
    String schemaName = text(node, "schemaName");
    return new Extras(tools, toolResult, schema, schemaName.isEmpty() ? null : schemaName,
        image == null ? null : Images.Spec.of(image));
  }

  private static Entry textEntryOf(JsonNode node) {
    String system = text(node, "system");
    List<String> turns = strings(node.get("turns"), "turns");
    if (node.has("conversations")) {
      return shareGpt(node.get("conversations"), system);
    }
    if (node.has("messages")) {
      return messages(node.get("messages"), system, turns);
    }
    if (node.has("document")) {
      String document = requireText(node, "document");
      String question = text(node, "question");
      String prompt = "Read the document below, then answer.\n\n<document>\n" + document + "\n</document>\n\n"
          + (question.isEmpty() ? "Summarise the document in a few paragraphs." : question);
      return new Entry(system, List.of(Message.user(prompt)), turns);
    }
    for (String field : List.of("prompt", "text", "input")) {
      if (node.has(field)) {
        return new Entry(system, List.of(Message.user(requireText(node, field))), turns);
      }
    }
    throw new IllegalArgumentException(ACCEPTED_FIELDS);
  }

  private static Entry messages(JsonNode array, String system, List<String> turns) {
    if (!array.isArray() || array.isEmpty()) {
      throw new IllegalArgumentException("\"messages\" must be a non-empty array of {role, content}");
    }
    List<Message> messages = new ArrayList<>();
    String systemPrompt = system;
    for (JsonNode message : array) {
      String role = requireText(message, "role").toLowerCase(Locale.ROOT);
      String content = requireText(message, "content");
      switch (role) {
        case "system" -> {
          if (!messages.isEmpty()) {
            throw new IllegalArgumentException("a system message must come first");
          }
          systemPrompt = content;
        }
        case "user", "assistant" -> messages.add(new Message(role, content));
        default -> throw new IllegalArgumentException("role '" + role + "' is not system, user or assistant");
      }
    }
    if (messages.isEmpty() || !messages.get(messages.size() - 1).role().equals("user")) {
      throw new IllegalArgumentException("\"messages\" must end with a user message");
    }
    return new Entry(systemPrompt, messages, turns);
  }

  private static Entry shareGpt(JsonNode array, String system) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("\"conversations\" must be an array of {from, value}");
    }
    String systemPrompt = system;
    List<String> humans = new ArrayList<>();
    for (JsonNode message : array) {
      String from = requireText(message, "from").toLowerCase(Locale.ROOT);
      String value = requireText(message, "value");
      switch (from) {
        case "system" -> systemPrompt = value;
        case "human", "user" -> humans.add(value);
        case "gpt", "assistant", "chatgpt", "bard", "bing", "model" -> {
          // recorded answers are dropped: the model under test writes its own
        }
        default -> throw new IllegalArgumentException("\"from\": '" + from + "' is not system, human or gpt");
      }
    }
    if (humans.isEmpty()) {
      throw new IllegalArgumentException("the conversation has no human message");
    }
    return new Entry(systemPrompt, List.of(Message.user(humans.get(0))), humans.subList(1, humans.size()));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string");
    }
    return value.asText();
  }

  private static String requireText(JsonNode node, String field) {
    String value = node.isObject() ? text(node, field) : "";
    if (value.isBlank()) {
      throw new IllegalArgumentException("\"" + field + "\" must be a non-empty string");
    }
    return value;
  }

  private static List<String> strings(JsonNode array, String field) {
    if (array == null || array.isNull()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw new IllegalArgumentException("\"" + field + "\" must be an array of strings");
    }
    List<String> values = new ArrayList<>();
    for (JsonNode value : array) {
      if (!value.isTextual() || value.asText().isBlank()) {
        throw new IllegalArgumentException("\"" + field + "\" must be an array of non-empty strings");
      }
      values.add(value.asText());
    }
    return values;
  }

  // ---- CSV ----

  private static List<Entry> readCsv(String source, Reader reader) throws IOException {
    List<List<String>> rows = Csv.read(reader);
    if (rows.isEmpty()) {
      throw new ConfigException("prompt set " + source + ": empty, expected a header with a 'prompt' column");
    }
    List<String> header = rows.get(0).stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    int promptColumn = header.indexOf("prompt");
    int systemColumn = header.indexOf("system");
    if (promptColumn < 0) {
      throw new ConfigException("prompt set " + source + ": no 'prompt' column in the header " + rows.get(0));
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 1; i < rows.size(); i++) {
      List<String> row = rows.get(i);
      String prompt = promptColumn < row.size() ? row.get(promptColumn) : "";
      if (prompt.isBlank()) {
        if (row.stream().allMatch(String::isBlank)) {
          continue;
        }
        throw new ConfigException("prompt set " + source + " row " + (i + 1) + ": empty 'prompt'");
      }
      String system = systemColumn >= 0 && systemColumn < row.size() ? row.get(systemColumn) : "";
      entries.add(new Entry(system, List.of(Message.user(prompt)), List.of()));
    }
    return entries;
  }

  /** RFC 4180 CSV through Jackson: quoted fields may hold commas, newlines and doubled quotes. */
  static final class Csv {
    private static final CsvMapper MAPPER = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);

    private Csv() {
    }

    static List<List<String>> read(Reader reader) throws IOException {
      List<List<String>> rows = new ArrayList<>();
      try (MappingIterator<List<String>> it = MAPPER.readerForListOf(String.class).readValues(reader)) {
        while (it.hasNext()) {
          rows.add(it.next());
        }
      }
      return rows;
    }

    static List<List<String>> read(String text) throws IOException {
      return read(new StringReader(text));
    }
  }
}
