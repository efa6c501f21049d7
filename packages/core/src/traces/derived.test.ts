import { describe, expect, it } from "vitest";
import { PREVIEW_MAX_LENGTH, previewOf } from "./derived";

describe("previewOf (MLflow's _get_truncated_preview)", () => {
  it("keeps short JSON as it is and cuts long text to 1000 characters ending in ...", () => {
    expect(previewOf('{"x": 1}', "user")).toBe('{"x": 1}');
    const long = previewOf(JSON.stringify({ q: "é".repeat(2000) }), "user");
    expect(Array.from(long)).toHaveLength(PREVIEW_MAX_LENGTH);
    expect(long.endsWith("...")).toBe(true);
  });

  it("takes the last message of the role from chat shapes", () => {
    const chat = {
      messages: [
        { role: "system", content: "be nice" },
        { role: "user", content: "first" },
        { role: "assistant", content: "reply" },
        { role: "user", content: [{ type: "text", text: "second" }] },
      ],
    };
    expect(previewOf(JSON.stringify(chat), "user")).toBe("second");
    expect(previewOf(JSON.stringify(chat), "assistant")).toBe("reply");
    const completion = { choices: [{ message: { role: "assistant", content: "hi there" } }] };
    expect(previewOf(JSON.stringify(completion), "assistant")).toBe("hi there");
    const responses = { output: [{ role: "assistant", content: [{ type: "output_text", text: "out" }] }] };
    expect(previewOf(JSON.stringify(responses), "assistant")).toBe("out");
    const agent = { request: { input: [{ role: "user", content: "wrapped" }] } };
    expect(previewOf(JSON.stringify(agent), "user")).toBe("wrapped");
    // No message of the role: the last one.
    expect(previewOf(JSON.stringify({ messages: [{ role: "user", content: "only" }] }), "assistant")).toBe(
      "only",
    );
    // An empty text falls back to the whole value.
    const empty = JSON.stringify({ messages: [{ role: "user", content: "" }] });
    expect(previewOf(empty, "user")).toBe(empty);
    expect(previewOf("plain text", "user")).toBe("plain text");
  });
});
