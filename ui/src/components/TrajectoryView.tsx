/**
 * An ATIF trajectory, step by step: message, reasoning, tool calls with
 * their arguments, observations, per-step metrics; subagent references
 * link to the stored trajectory (by session id) or to the embedded one
 * (by trajectory id). Every stored string is rendered as text.
 */
import type { ContentPart, Step, SubagentTrajectoryRef, Trajectory } from "../../../src/trajectory/Atif.js"
import { JsonBlock } from "./Common.js"
import { count, usd } from "../format.js"
import { href } from "../router.js"

const Content = ({ content }: { readonly content: string | ReadonlyArray<ContentPart> | null | undefined }) => {
  if (content == null) return null
  if (typeof content === "string") return <pre class="text">{content}</pre>
  return (
    <div>
      {content.map((part, i) =>
        part.type === "text"
          ? <pre key={i} class="text">{part.text ?? ""}</pre>
          : <p key={i} class="muted">[image {part.source?.media_type ?? ""}: {part.source?.path ?? ""}]</p>
      )}
    </div>
  )
}

const embeddedId = (owner: string, trajectoryId: string) => `sub-${owner}-${trajectoryId}`

const SubagentRef = ({ reference, owner }: { readonly reference: SubagentTrajectoryRef; readonly owner: string }) => {
  const embedded = reference.trajectory_id
  return (
    <li>
      subagent{" "}
      {reference.session_id != null && <a href={href(["trajectories", reference.session_id])}>{reference.session_id}</a>}
      {embedded != null && (
        <button
          type="button"
          class="link"
          onClick={() => document.getElementById(embeddedId(owner, embedded))?.scrollIntoView()}
        >
          {embedded}
        </button>
      )}
      {reference.trajectory_path != null && <code> {reference.trajectory_path}</code>}
    </li>
  )
}

const StepView = ({ step, owner }: { readonly step: Step; readonly owner: string }) => (
  <article class={`step step-${step.source}`}>
    <header>
      <strong>#{step.step_id}</strong> <span class="badge">{step.source}</span>
      {step.model_name != null && <span class="muted"> {step.model_name}</span>}
      {step.timestamp != null && <span class="muted"> · {step.timestamp}</span>}
      {step.metrics != null && (
        <span class="metrics">
          {" "}· in {count(step.metrics.prompt_tokens)} · out {count(step.metrics.completion_tokens)}
          {step.metrics.cached_tokens != null && <> · cached {count(step.metrics.cached_tokens)}</>}
          {step.metrics.cost_usd != null && <> · {usd(step.metrics.cost_usd)}</>}
        </span>
      )}
    </header>
    <Content content={step.message} />
    {step.reasoning_content != null && (
      <details>
        <summary>Reasoning</summary>
        <pre class="text reasoning">{step.reasoning_content}</pre>
      </details>
    )}
    {(step.tool_calls ?? []).map((call) => (
      <div key={call.tool_call_id} class="tool-call">
        <div><span class="badge">tool</span> <code>{call.function_name}</code> <span class="muted">{call.tool_call_id}</span></div>
        <JsonBlock value={call.arguments} />
      </div>
    ))}
    {(step.observation?.results ?? []).map((result, i) => (
      <div key={i} class="observation">
        <div><span class="badge">observation</span>{result.source_call_id != null && <span class="muted"> for {result.source_call_id}</span>}</div>
        <Content content={result.content} />
        {(result.subagent_trajectory_ref ?? []).length > 0 && (
          <ul>{(result.subagent_trajectory_ref ?? []).map((ref, j) => <SubagentRef key={j} reference={ref} owner={owner} />)}</ul>
        )}
      </div>
    ))}
  </article>
)

const isTrajectory = (value: unknown): value is Trajectory =>
  typeof value === "object" && value !== null && Array.isArray((value as { steps?: unknown }).steps)

/** One trajectory, with its embedded subagents after its steps. */
export const TrajectoryView = ({ trajectory, owner }: { readonly trajectory: Trajectory; readonly owner: string }) => (
  <div class="trajectory">
    <p class="muted">
      {trajectory.agent.name} {trajectory.agent.version} · {trajectory.schema_version} · {trajectory.steps.length} steps
      {trajectory.final_metrics?.total_cost_usd != null && <> · {usd(trajectory.final_metrics.total_cost_usd)}</>}
    </p>
    {trajectory.notes != null && <pre class="text">{trajectory.notes}</pre>}
    {trajectory.steps.map((step) => <StepView key={step.step_id} step={step} owner={owner} />)}
    {(trajectory.subagent_trajectories ?? []).filter(isTrajectory).map((sub, i) => (
      <section key={i} class="subagent" id={embeddedId(owner, sub.trajectory_id ?? String(i))}>
        <h3>Subagent {sub.trajectory_id ?? i}</h3>
        <TrajectoryView trajectory={sub} owner={owner} />
      </section>
    ))}
  </div>
)

/** The stored document as a trajectory, if it has the shape of one. */
export const asTrajectory = (value: unknown): Trajectory | undefined => (isTrajectory(value) ? value : undefined)
