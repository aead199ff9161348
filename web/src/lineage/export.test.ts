import { describe, expect, it } from "vitest";
import { csvField, toCsv } from "./csv";
import { buildSvg, escapeXml } from "./svgExport";

describe("csv", () => {
  it("quotes fields with commas, quotes and newlines, doubling quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(null)).toBe("");
    expect(csvField(["alice", "bob"])).toBe("alice; bob");
    expect(csvField(3)).toBe("3");
    expect(csvField(-3)).toBe("-3");
  });

  it("neutralises spreadsheet formulas", () => {
    expect(csvField("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(csvField("+1")).toBe("'+1");
  });

  it("writes CRLF rows with a header", () => {
    expect(toCsv(["id", "name"], [["1", "a,b"]])).toBe('id,name\r\n1,"a,b"\r\n');
  });
});

describe("buildSvg", () => {
  it("draws every node and edge, escapes labels and marks blocked edges", () => {
    const svg = buildSvg(
      [
        { id: "a", type: "DATASET", label: "<raw & co>", restricted: false, position: { x: 0, y: 0 } },
        { id: "b", type: "MODEL", label: "Restricted", restricted: true, position: { x: 400, y: 0 } },
      ],
      [{ source: "a", target: "b", blocked: ["PII"] }],
    );
    expect(svg).toContain("&lt;raw &amp; co&gt;");
    expect(svg).not.toContain("<raw");
    expect(svg.match(/<path d="M[^"]*" fill="none"/g)).toHaveLength(1);
    expect(svg).toContain("⊘ PII");
    expect(svg).toContain('fill="url(#hatch)"');
    expect(escapeXml(`"'`)).toBe("&quot;&apos;");
  });
});
