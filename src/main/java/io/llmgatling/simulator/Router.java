package io.llmgatling.simulator;

import io.llmgatling.simulator.dialect.Routes;
import io.llmgatling.simulator.dialect.ServerDialect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The route table the dialects declare, built once per simulator; looked up per request. */
final class Router {
  /** A handler and the dialect that declared it (null for a liveness probe: no API in the truth). */
  record Route(Routes.Handler handler, ServerDialect dialect) {
    String api() {
      return dialect == null ? "none" : dialect.name();
    }
  }

  private record Prefixed(String prefix, Route route) {
  }

  /** Method, then path: no string built per request. */
  private final Map<String, Map<String, Route>> exact = new HashMap<>();
  private final List<Prefixed> getUnder = new ArrayList<>();
  private final List<Prefixed> notFound = new ArrayList<>();

  static Router of(SimulatorConfig config, List<ServerDialect> dialects) {
    Router router = new Router();
    for (ServerDialect d : dialects) {
      d.routes(router.declaredBy(d), config);
    }
    Comparator<Prefixed> longestFirst = Comparator.comparingInt((Prefixed p) -> p.prefix().length()).reversed();
    router.getUnder.sort(longestFirst);
    router.notFound.sort(longestFirst);
    return router;
  }

  /** The route for a method and path; HEAD is answered by GET's route. Null when none is declared. */
  Route find(String method, String path) {
    String m = method.equals("HEAD") ? "GET" : method;
    Map<String, Route> byPath = exact.get(m);
    Route route = byPath == null ? null : byPath.get(path);
    if (route == null && m.equals("GET")) {
      route = longest(getUnder, path);
    }
    return route;
  }

  /** Who answers an unmatched path: the dialect owning its longest declared prefix; null for none. */
  Route notFound(String path) {
    return longest(notFound, path);
  }

  private static Route longest(List<Prefixed> list, String path) {
    for (Prefixed p : list) {
      if (path.startsWith(p.prefix())) {
        return p.route();
      }
    }
    return null;
  }

  private static void replace(List<Prefixed> list, String prefix, Route route) {
    list.removeIf(p -> p.prefix().equals(prefix));
    list.add(new Prefixed(prefix, route));
  }

  private Routes declaredBy(ServerDialect dialect) {
    return new Routes() {
      @Override
      public Routes get(String path, Handler handler) {
        exact.computeIfAbsent("GET", k -> new HashMap<>()).put(path, new Route(handler, dialect));
        return this;
      }

      @Override
      public Routes post(String path, Handler handler) {
        exact.computeIfAbsent("POST", k -> new HashMap<>()).put(path, new Route(handler, dialect));
        return this;
      }

      @Override
      public Routes getUnder(String prefix, Handler handler) {
        replace(getUnder, prefix, new Route(handler, dialect));
        return this;
      }

      @Override
      public Routes probe(String path, Handler handler) {
        exact.computeIfAbsent("GET", k -> new HashMap<>()).put(path, new Route(handler, null));
        return this;
      }

      @Override
      public Routes notFound(String prefix, Handler handler) {
        replace(notFound, prefix, new Route(handler, dialect));
        return this;
      }
    };
  }
}
