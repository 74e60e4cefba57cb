package io.llmgatling.engine.gatling;

import com.typesafe.scalalogging.Logger;
import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.stats.Status;
import io.gatling.core.action.Action;
import io.gatling.core.session.GroupBlock;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.engine.LlmResult;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.check.ResultCheck;
import io.llmgatling.engine.record.ErrorCause;
import io.llmgatling.engine.record.RequestIds;
import io.llmgatling.engine.record.RequestRecord;
import io.llmgatling.engine.record.RunClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One LLM request per visit of a virtual user: resolves the request from the session, hands it to the
 * non-blocking client and, when the client calls back, checks the answer, records it and resumes the user on
 * its own event loop.
 *
 * <p>What reaches Gatling's report: exactly one request row per real request (name = the action's name, time =
 * E2E, OK/KO with the cause as message), so request counts and error rates there are the real ones. A request
 * that received a first token sits inside a <em>group</em> named {@code "<name> · TTFT"} whose cumulated
 * response time is that TTFT (Gatling lists only groups that contain a request). Groups are not requests:
 * {@code global()} counts each request once, and TTFT stays assertable with
 * {@code details("chat · TTFT").responseTime()...}. Requests without a first token (not streamed, embeddings,
 * failed before the first token) appear at the top level.
 *
 * <p>Implements {@link Action} rather than {@code ChainableAction}: the latter's Scala mixins cannot be
 * implemented from Java (AbstractMethodError at run time).
 */
public final class LlmAction implements Action {

  /**
   * Session attribute (a {@code Long}, System.nanoTime) holding when the user's next request was meant to
   * start: set by open-model simulations to the planned arrival, so that a late injector shows as client delay
   * instead of vanishing (no coordinated omission). Consumed by the first LLM action that sees it.
   */
  public static final String INTENDED_START_KEY = "llm.intendedStartNanos";

  /**
   * Session attribute ({@code Boolean}): the user's requests belong to the warm-up ({@code llm.warmup}). They are
   * recorded with {@code "warmup": true}, left out of every figure, and not logged to Gatling's statistics, so that
   * Gatling's report counts the measured requests only.
   */
  public static final String WARMUP_KEY = "llm.warmup";

  /** Suffix of the group that carries TTFT in Gatling's report. */
  public static final String TTFT_GROUP_SUFFIX = " · TTFT";

  private Logger logger = Logger.apply(LlmAction.class);
  private final LlmActionSpec spec;
  private final LlmComponents components;
  private final Action next;
  private final StatsEngine statsEngine;
  private final String ttftGroupName;

  LlmAction(LlmActionSpec spec, LlmComponents components, Action next) {
    this.spec = spec;
    this.components = components;
    this.next = next;
    this.statsEngine = components.coreComponents().statsEngine();
    this.ttftGroupName = spec.name() + TTFT_GROUP_SUFFIX;
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public Logger logger() {
    return logger;
  }

  @Override
  public void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(Logger value) {
    this.logger = value;
  }

  @Override
  public void execute(Session session) {
    // The moment the user reached this action is when the request was meant to start: any wait from here to
    // "sent" (connection set-up, injector saturation) shows as clientDelayMs instead of being hidden.
    long intendedNanos = System.nanoTime();
    Object planned = session.attributes().get(INTENDED_START_KEY).getOrElse(() -> null);
    if (planned instanceof Long plannedNanos) {
      intendedNanos = Math.min(plannedNanos, intendedNanos);
      session = session.remove(INTENDED_START_KEY);
    }
    LlmRequest request;
    io.gatling.javaapi.core.Session javaSession = new io.gatling.javaapi.core.Session(session);
    try {
      request = RequestResolver.resolve(spec, components.protocol(), javaSession);
    } catch (RuntimeException e) {
      String message = "cannot build request '" + spec.name() + "': " + e.getMessage();
      logger.underlying().warn(message);
      boolean warmup = isWarmup(session);
      if (!warmup) {
        statsEngine.logRequestCrash(session.scenario(), session.groups(), spec.name(), message);
      }
      // in requests.jsonl too, so that the LLM report counts the same KOs as Gatling's
      RequestRecord notSent = RequestRecord.notSent(RequestIds.next(), spec.task(), modelOrNull(javaSession),
          components.protocol().api().id(), spec.operation().id(), RequestResolver.stream(spec, components.protocol()),
          RunClock.epochMillis(intendedNanos), ErrorCause.MALFORMED, message);
      components.sink().accept(warmup ? notSent.asWarmup() : notSent);
      next.$bang(session.markAsFailed());
      return;
    }
    Session current = session;
    components.client().send(request, intendedNanos, result -> complete(current, request, result));
  }

  private void complete(Session session, LlmRequest request, LlmResult result) {
    Session updated = session;
    RequestRecord record = result.record();
    try {
      if (record.ok()) {
        for (ResultCheck check : spec.checks()) {
          Object value = check.extractor().apply(result);
          Optional<String> failure = check.failure(value);
          if (failure.isPresent()) {
            record = failed(record, failure.get());
            break;
          }
          if (check.saveAs() != null && value != null) {
            updated = updated.set(check.saveAs(), value);
          }
        }
      }
      if (record.ok() && spec.conversation() != null && request.operation() == Operation.CHAT) {
        List<Message> history = new ArrayList<>(request.messages());
        history.add(Message.assistant(result.text()));
        updated = updated.set(spec.conversation(), List.copyOf(history));
      }
      if (isWarmup(session)) {
        record = record.asWarmup();
      } else {
        logToGatling(session, record, result);
      }
      components.sink().accept(record);
    } catch (RuntimeException e) {
      // never lose the virtual user: a bug here must not stop the scenario
      logger.underlying().error("failed to record request '" + spec.name() + "'", e);
    }
    Session resumed = record.ok() ? updated : updated.markAsFailed();
    session.eventLoop().execute(() -> next.$bang(resumed));
  }

  private static boolean isWarmup(Session session) {
    return Boolean.TRUE.equals(session.attributes().get(WARMUP_KEY).getOrElse(() -> null));
  }

  private void logToGatling(Session session, RequestRecord record, LlmResult result) {
    Status status = record.ok() ? OK$.MODULE$ : KO$.MODULE$;
    Option<String> code = record.status() == null ? Option.empty() : Option.apply(String.valueOf(record.status()));
    Option<String> message = record.ok() ? Option.empty()
        : Option.apply(record.cause() + (record.message() == null ? "" : ": " + record.message()));
    boolean hasTtft = result.firstTokenEpochMs() >= 0 && record.ttftMs() != null;
    scala.collection.immutable.List<String> groups = session.groups();
    if (hasTtft) {
      // Gatling lists a group only when a request sits in it: the request goes inside its TTFT group
      List<String> hierarchy = new ArrayList<>(CollectionConverters.asJava(session.groups()));
      hierarchy.add(ttftGroupName);
      groups = CollectionConverters.asScala(hierarchy).toList();
    }
    statsEngine.logResponse(session.scenario(), groups, spec.name(), result.sentEpochMs(),
        Math.max(result.sentEpochMs(), result.endEpochMs()), status, code, message);
    if (hasTtft) {
      int ttft = (int) Math.round(record.ttftMs());
      statsEngine.logGroupEnd(session.scenario(), GroupBlock.apply(groups, result.sentEpochMs(), ttft, OK$.MODULE$),
          result.sentEpochMs() + ttft);
    }
  }

  /** The model of a request that could not be built, when that part resolves. */
  private String modelOrNull(io.gatling.javaapi.core.Session session) {
    try {
      return RequestResolver.model(spec, components.protocol(), session);
    } catch (RuntimeException unresolvable) {
      return null;
    }
  }

  private static RequestRecord failed(RequestRecord r, String message) {
    return new RequestRecord(r.id(), r.task(), r.model(), r.api(), r.operation(), r.stream(), r.intendedAtMs(),
        r.clientDelayMs(), r.headersMs(), r.ttftMs(), r.e2eMs(), r.itlMs(), r.tpotMs(), r.chunkGapsMs(),
        r.promptTokens(), r.outputTokens(), r.outputTokensSource(), r.contentChunks(), r.queueMs(), r.loadMs(),
        r.promptEvalMs(), r.evalMs(), r.serverTotalMs(), r.status(), false, ErrorCause.CHECK, message,
        r.finishReason(), r.retried(), r.cachedTokens(), r.warmup());
  }

}
