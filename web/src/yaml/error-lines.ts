import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";

/** A problem the server (or the YAML parser) found, placed on a line of the editor's text. */
export interface LineProblem {
  /** 1-based line. */
  line: number;
  /** Offsets in the text: the part to underline. */
  from: number;
  to: number;
  path: string;
  message: string;
}

/** `"tasks[0].resources.cpu"` (the server's detail path) → `["tasks", 0, "resources", "cpu"]`. */
export function parsePath(path: string): Array<string | number> {
  if (path === "" || path === "(root)") return [];
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}

type Range = [number, number];

/**
 * The text range of the deepest node on `path` that the document has: the key of a mapping
 * entry (so `unknown field "x"` and `memory must be…` point at the key's line), an item of a
 * sequence, or, when the path goes on past what exists (a missing field), its parent.
 */
function rangeOf(root: Node | null, path: Array<string | number>): Range | undefined {
  let node: unknown = root;
  let best: Range | undefined = root?.range ? [root.range[0], root.range[1]] : undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const key = pair.key as Node;
      if (key.range) best = [key.range[0], key.range[1]];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item?.range) break;
      best = [item.range[0], item.range[1]];
      node = item;
    } else break;
  }
  return best;
}

/** Places the server's `JOB_INVALID` details (`{path, message}`) on lines of `text`. */
export function problemsAt(
  text: string,
  details: ReadonlyArray<{ path: string; message: string }>,
): LineProblem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return details.map((d) => {
    const range = rangeOf(doc.contents, parsePath(d.path)) ?? [0, 0];
    const to = Math.max(range[0], Math.min(range[1], lineEnd(text, range[0])));
    return { line: lineCounter.linePos(range[0]).line, from: range[0], to, ...d };
  });
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl;
}

/** A YAML syntax error found in the browser before anything is sent. */
export function syntaxProblems(text: string): LineProblem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return doc.errors.map((e) => {
    const from = Math.min(e.pos[0], text.length);
    return {
      line: lineCounter.linePos(from).line,
      from,
      to: Math.max(from, Math.min(e.pos[1], lineEnd(text, from))),
      path: "(yaml)",
      message: e.message.split("\n")[0] ?? e.message,
    };
  });
}

/** The offset where 1-based `line` starts (for a server message that names only a line). */
export function lineStart(text: string, line: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return offset;
}
