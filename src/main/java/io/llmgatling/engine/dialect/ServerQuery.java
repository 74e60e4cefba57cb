package io.llmgatling.engine.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** The pre-flight's GETs below a server's root, through the load's own client (its TLS and connect rules). */
public interface ServerQuery {

  /** The JSON answer to {@code GET path}; any failure is thrown as the pre-flight's one-line message. */
  JsonNode get(String path);

  /** The JSON answer to {@code GET path}, or empty when it fails: for what is a hint, never a reason to stop. */
  Optional<JsonNode> tryGet(String path);
}
