/**
 * Route selection of an API Gateway HTTP API: "METHOD /path/{param}" and "{param+}" (greedy) keys,
 * "ANY" as a method and "$default" as the catch-all. The most specific route wins: an exact method over
 * ANY, and, segment by segment, a literal over a {param} over a greedy {param+}.
 */
export interface HttpRouteMatch<T> {
  route: T;
  routeKey: string;
  pathParameters: Record<string, string> | undefined;
}

interface CompiledRoute<T> {
  route: T;
  routeKey: string;
  method: string;
  segments: string[];
}

export function compileHttpRoutes<T extends { routeKey: string }>(routes: readonly T[]) {
  const compiled: CompiledRoute<T>[] = [];
  let fallback: T | undefined;
  for (const route of routes) {
    if (route.routeKey === "$default") {
      fallback = route;
      continue;
    }
    const match = /^([A-Z]+) (\/\S*)$/.exec(route.routeKey);
    if (!match) throw new Error(`Not an HTTP API route key: "${route.routeKey}" (expected "METHOD /path")`);
    const [, method = "", path = ""] = match;
    compiled.push({ route, routeKey: route.routeKey, method, segments: splitPath(path) });
  }

  return function matchHttpRoute(method: string, rawPath: string): HttpRouteMatch<T> | undefined {
    const pathSegments = splitPath(rawPath);
    let best: { match: HttpRouteMatch<T>; score: number[] } | undefined;
    for (const candidate of compiled) {
      if (candidate.method !== method && candidate.method !== "ANY") continue;
      const matched = matchSegments(candidate.segments, pathSegments);
      if (!matched) continue;
      const score = [...matched.score, candidate.method === "ANY" ? 0 : 1];
      if (!best || compareScores(score, best.score) > 0) {
        best = {
          match: { route: candidate.route, routeKey: candidate.routeKey, pathParameters: matched.params },
          score,
        };
      }
    }
    if (best) return best.match;
    return fallback && { route: fallback, routeKey: "$default", pathParameters: undefined };
  };
}

const splitPath = (path: string) => (path === "/" ? [] : path.replace(/^\//, "").split("/"));

function matchSegments(pattern: string[], path: string[]) {
  const params: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] ?? "";
    const greedy = /^\{(.+)\+\}$/.exec(expected);
    if (greedy) {
      if (i !== pattern.length - 1 || i >= path.length) return undefined;
      params[greedy[1] ?? ""] = path.slice(i).map(safeDecode).join("/");
      score.push(0);
      return { params, score };
    }
    const actual = path[i];
    if (actual === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(expected);
    if (param) {
      if (actual === "") return undefined;
      params[param[1] ?? ""] = safeDecode(actual);
      score.push(1);
    } else if (expected === actual) {
      score.push(2);
    } else {
      return undefined;
    }
  }
  if (pattern.length !== path.length) return undefined;
  return { params: Object.keys(params).length > 0 ? params : undefined, score };
}

function compareScores(a: number[], b: number[]) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

function safeDecode(segment: string) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
