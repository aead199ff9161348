import { afterEach, describe, expect, it, vi } from "vitest";
import { containment, MEMBER_GROUPS } from "./queries";

// The server's answer is stubbed at fetch; what is checked is the one request sent and how its answer maps.
function answer(body: unknown) {
  const fetchMock = vi.fn(async () => new Response(JSON.stringify(body), { status: 200 }));
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

const summary = (id: string, type: string) => ({ id, type, name: id, qualifiedName: `test://${id}` });
const page = (total: number, ...nodes: ReturnType<typeof summary>[]) => ({
  totalCount: total,
  edges: nodes.map((node, i) => ({ cursor: String(i), node })),
});

afterEach(() => vi.unstubAllGlobals());

describe("containment", () => {
  it("asks for the container and every member group in one request, whatever the type", async () => {
    const fetchMock = answer({
      data: {
        entity: {
          container: null,
          versions: page(250, summary("v1", "DATASET_VERSION"), summary("v2", "DATASET_VERSION")),
          features: page(1, summary("f1", "FEATURE")),
          runs: page(0),
        },
      },
    });
    const found = await containment(summary("ds", "DATASET") as never);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const sent = JSON.parse((fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1].body as string);
    expect(sent.variables).toEqual({ id: "ds" });
    for (const group of MEMBER_GROUPS) {
      expect(sent.query).toContain(`${group.alias}: members(types: [${group.types.join(", ")}]`);
    }
    expect(sent.query).toContain("container {");
    expect(found).toEqual({
      container: null,
      members: [
        { label: "Versions", entities: [summary("v1", "DATASET_VERSION"), summary("v2", "DATASET_VERSION")], total: 250 },
        { label: "Features", entities: [summary("f1", "FEATURE")], total: 1 },
        { label: "Runs", entities: [], total: 0 },
      ],
    });
  });

  it("gives the container, and empty groups for an entity that holds nothing", async () => {
    answer({ data: { entity: { container: summary("m", "MODEL"), versions: page(0), features: page(0), runs: page(0) } } });
    const found = await containment(summary("mv", "MODEL_VERSION") as never);
    expect(found.container).toEqual(summary("m", "MODEL"));
    expect(found.members.every((m) => m.entities.length === 0 && m.total === 0)).toBe(true);
  });

  it("answers an entity gone since the page loaded as holding nothing and held by nothing", async () => {
    answer({ data: { entity: null } });
    const found = await containment(summary("gone", "DATASET") as never);
    expect(found.container).toBeNull();
    expect(found.members.map((m) => m.total)).toEqual([0, 0, 0]);
  });
});
