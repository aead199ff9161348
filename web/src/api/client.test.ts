import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isUnavailable, setUnavailable } from "./availability";
import { graphql } from "./client";
import { ApiError, readableError } from "./errors";
import { loginPath, safeNext } from "./navigation";

// The browser pieces the client touches: fetch (answered per test) and window.location.
const assign = vi.fn();

function answer(status: number, body: unknown) {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(body), { status })));
}

beforeEach(() => {
  assign.mockReset();
  vi.stubGlobal("window", { location: { pathname: "/entities/x/lineage", search: "?depth=2", assign } });
  setUnavailable(false);
});

afterEach(() => vi.unstubAllGlobals());

describe("graphql", () => {
  it("returns data and sends the cookie, never a token", async () => {
    answer(200, { data: { me: { name: "ann" } } });
    await expect(graphql("{ me { name } }")).resolves.toEqual({ me: { name: "ann" } });
    const [path, init] = (fetch as unknown as ReturnType<typeof vi.fn>).mock.calls[0];
    expect(path).toBe("/graphql");
    expect(init.credentials).toBe("same-origin");
    expect(init.headers.Authorization).toBeUndefined();
  });

  it("turns a GraphQL error into an ApiError with the server's code and message", async () => {
    answer(200, { data: null, errors: [{ message: "name: PII is propagated", extensions: { code: "PROPAGATED_CLASSIFICATION" } }] });
    const error = (await graphql("mutation { x }").catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("PROPAGATED_CLASSIFICATION");
    expect(readableError(error)).toContain("name: PII is propagated");
    expect(assign).not.toHaveBeenCalled();
  });

  it("sends a signed-out user to /login, coming back to the page afterwards", async () => {
    answer(401, { errors: [{ message: "session expired", extensions: { code: "UNAUTHENTICATED" } }] });
    await expect(graphql("{ me { name } }")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(assign).toHaveBeenCalledWith("/login?next=%2Fentities%2Fx%2Flineage%3Fdepth%3D2");
  });

  it("raises the unavailable banner on 503 and lowers it on the next success", async () => {
    answer(503, { errors: [{ message: "Neo4j is unavailable", extensions: { code: "UNAVAILABLE" } }] });
    await expect(graphql("{ me { name } }")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(isUnavailable()).toBe(true);
    answer(200, { data: { me: { name: "ann" } } });
    await graphql("{ me { name } }");
    expect(isUnavailable()).toBe(false);
  });

  it("names a body that is not JSON by its status", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("<html>bad gateway</html>", { status: 502 })));
    await expect(graphql("{ me { name } }")).rejects.toMatchObject({ code: "INTERNAL", status: 502 });
  });
});

describe("navigation", () => {
  it("only follows next to a path on this origin", () => {
    expect(safeNext("/entities/a?x=1")).toBe("/entities/a?x=1");
    expect(safeNext("//evil.example/x")).toBe("/search");
    expect(safeNext("https://evil.example/")).toBe("/search");
    expect(safeNext("/\\evil.example")).toBe("/search");
    expect(safeNext(null)).toBe("/search");
  });

  it("builds the login path with next, but not for the login page itself", () => {
    expect(loginPath("/search?q=a")).toBe("/login?next=%2Fsearch%3Fq%3Da");
    expect(loginPath("/login?next=x")).toBe("/login");
  });
});
