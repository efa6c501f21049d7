/**
 * docs/inference.md's per-task curl examples, run as written: each `$I/models/<fixture>/1/invocations`
 * body is sent to that generated fixture, and the answer must be the one the docs print (numbers
 * shown as "0.9915..." match any digits after the ones shown). A docs edit that drifts from the
 * worker, or a worker change that breaks a documented request, fails here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { invoke, modelPath, registerModel } from "./helpers";

const DOC = Object.values(
  import.meta.glob<string>("../../docs/inference.md", { eager: true, query: "?raw", import: "default" }),
)[0] as string;

interface Example {
  fixture: string;
  body: string;
  answer: string;
}

/** The curl blocks of "## Tasks and their pyfunc shapes": fixture, -d body, and the "# {...}" answer. */
function examples(): Example[] {
  const tasks = DOC.slice(
    DOC.indexOf("## Tasks and their pyfunc shapes"),
    DOC.indexOf("## The scoring protocol"),
  );
  const blocks = [...tasks.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks.map((block) => {
    const fixture = /\$I\/models\/([\w-]+)\/1\/invocations/.exec(block)?.[1] ?? "";
    const body = /-d '([^']+)'/.exec(block)?.[1] ?? "";
    const answer = block
      .split("\n")
      .filter((line) => line.startsWith("#"))
      .map((line) => line.replace(/^#\s*/, ""))
      .join("");
    return { fixture, body, answer };
  });
}

/** The docs' answer as a pattern: exact text, except "<digits>..." stands for more digits. */
function answerPattern(answer: string): RegExp {
  const escaped = answer.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/(\d)\\\.\\\.\\\./g, "$1\\d*");
  return new RegExp(`^${escaped}$`);
}

const found = examples();
const names = new Map<string, string>();
beforeAll(async () => {
  for (const fixture of new Set(found.map((e) => e.fixture)))
    names.set(fixture, await registerModel([fixture]));
});

describe("docs/inference.md task examples", () => {
  it("covers every task section", () => {
    expect(found.map((e) => e.fixture)).toEqual([
      "tiny-fill-mask",
      "tiny-question-answering",
      "tiny-zero-shot-classification",
      "tiny-image-classification",
      "t5-text2text",
      "t5-summarization",
      "marian-translation",
      "wav2vec2-asr",
    ]);
  });

  it.each(found.map((e) => [e.fixture, e] as const))("%s answers as documented", async (_, example) => {
    const { status, body } = await invoke(
      `${modelPath(names.get(example.fixture) as string, 1)}/invocations`,
      example.body,
    );
    expect(status).toBe(200);
    expect(JSON.stringify(body)).toMatch(answerPattern(example.answer));
  });
});
