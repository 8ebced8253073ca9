import { useEffect, useState } from "react";
import { Link, useLocation } from "wouter";
import { stringify } from "yaml";
import { ApiError } from "../../../src/client/index.js";
import type { Plan } from "../../../src/scheduler/plan.js";
import { useSession } from "../auth/session.js";
import { YamlEditor } from "../components/yaml-editor.js";
import { useFleet } from "../live/fleet.js";
import { type LineProblem, lineStart, problemsAt, syntaxProblems } from "../yaml/error-lines.js";
import { scoreParts } from "./job.js";

const TEMPLATE = `# A job: edit, press Plan to see what the scheduler would do, then Run.
name: my-job
type: service
tasks:
  - name: main
    count: 1
    driver: exec
    config:
      command: /bin/sh
      args: ["-c", "while true; do echo hello from $BRINK_NODE_ID; sleep 5; done"]
    resources: { cpu: 100, memory: 64 }
`;

/** The stored spec without empty lists and maps (their defaults), so the editor shows what matters. */
export function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const empty = Array.isArray(v)
      ? v.length === 0
      : v !== null && typeof v === "object" && Object.keys(v).length === 0;
    if (!empty) out[k] = withoutEmpty(v);
  }
  return out;
}

/** The server's answer to a check, as problems at lines (or one message when it has no place). */
function toProblems(text: string, err: unknown): { problems: LineProblem[]; message: string } {
  if (err instanceof ApiError && err.code === "JOB_INVALID") {
    if (err.details.length > 0)
      return { problems: problemsAt(text, err.details), message: err.message };
    const line = /at line (\d+)/.exec(err.message)?.[1];
    if (line) {
      const from = lineStart(text, Number(line));
      const to = text.indexOf("\n", from);
      return {
        problems: [
          {
            line: Number(line),
            from,
            to: to === -1 ? text.length : to,
            path: "(yaml)",
            message: err.message,
          },
        ],
        message: err.message,
      };
    }
  }
  return { problems: [], message: err instanceof Error ? err.message : String(err) };
}

function PlanView({ plan }: { plan: Plan }) {
  const { nodes } = useFleet();
  const nodeName = (id: string | null) => (id ? (nodes.find((n) => n.id === id)?.name ?? id) : "—");
  const unplaced = Object.entries(plan.unplaced);
  return (
    <section className="plan" aria-label="Plan">
      <h2>Plan (dry run)</h2>
      <p>
        Job would be <b>{plan.jobStatus}</b>: {plan.place.length} to place, {plan.update.length} to
        update, {plan.stop.length} to stop, {plan.preempt.length} to preempt.
      </p>
      <ul>
        {plan.place.map((a) => (
          <li key={a.id}>
            place {a.task}[{a.index}] {a.nodeId ? `on ${nodeName(a.nodeId)}` : "(unplaced)"}
            {a.score && ` — score ${(a.score.total ?? 0).toFixed(1)} (${scoreParts(a.score)})`}
          </li>
        ))}
        {plan.stop.map((a) => (
          <li key={a.id}>
            stop {a.task}[{a.index}] on {nodeName(a.nodeId)}
          </li>
        ))}
        {plan.preempt.map((a) => (
          <li key={a.id}>
            preempt {a.task}[{a.index}] of job {a.jobId} on {nodeName(a.nodeId)}
          </li>
        ))}
      </ul>
      {unplaced.length > 0 && (
        <div className="unplaced">
          <h3>Why unplaced</h3>
          <ul>
            {unplaced.map(([task, reasons]) => (
              <li key={task}>
                <b>{task}</b>: {reasons.join("; ")}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** Submit a new job or a new version of one: YAML editor, server checks at their lines, plan, run. */
export function JobEditorPage({ name }: { name?: string }) {
  const { client } = useSession();
  const [, navigate] = useLocation();
  const [text, setText] = useState(name ? "" : TEMPLATE);
  const [problems, setProblems] = useState<LineProblem[]>([]);
  const [message, setMessage] = useState<string>();
  const [plan, setPlan] = useState<Plan>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!name) return;
    client.getJob(name).then(
      (j) => setText(`# ${j.name}, from version ${j.version}\n${stringify(withoutEmpty(j.spec))}`),
      (err: unknown) => setMessage(err instanceof Error ? err.message : String(err)),
    );
  }, [client, name]);

  const edit = (t: string) => {
    setText(t);
    setPlan(undefined);
    setProblems(syntaxProblems(t));
    setMessage(undefined);
  };

  const check = async (action: "plan" | "run") => {
    const syntax = syntaxProblems(text);
    if (syntax.length > 0) {
      setProblems(syntax);
      setMessage(`YAML is not valid at line ${syntax[0]?.line}: ${syntax[0]?.message}`);
      return;
    }
    setBusy(true);
    try {
      if (action === "plan") {
        setPlan(await client.planJob(text));
        setProblems([]);
        setMessage(undefined);
      } else {
        const job = await client.submitJob(text);
        navigate(`/jobs/${encodeURIComponent(job.name)}`);
      }
    } catch (err) {
      const r = toProblems(text, err);
      setProblems(r.problems);
      setMessage(r.message);
      setPlan(undefined);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="job-editor">
      <header className="page-head">
        <h1>{name ? `Edit ${name}` : "New job"}</h1>
        <span className="grow" />
        {name && <Link href={`/jobs/${encodeURIComponent(name)}`}>Back to the job</Link>}
      </header>
      <p className="muted">
        Fields are described in docs/job-spec.md. Plan shows what the scheduler would do now,
        without changing anything; Run submits the job.
      </p>
      <YamlEditor value={text} onChange={edit} problems={problems} />
      <div className="actions">
        <button type="button" onClick={() => check("plan")} disabled={busy}>
          Plan
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => check("run")}
          disabled={busy || !plan}
        >
          Run
        </button>
        {!plan && <span className="muted">Plan first, then Run.</span>}
      </div>
      {message && (
        <div className="error" role="alert">
          <p>{message}</p>
          {problems.length > 0 && (
            <ul className="problems">
              {problems.map((p) => (
                <li key={`${p.from}-${p.path}-${p.message}`}>
                  line {p.line}: {p.path === "(yaml)" ? "" : `${p.path}: `}
                  {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {plan && <PlanView plan={plan} />}
    </section>
  );
}
