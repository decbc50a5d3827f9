"use client";

import { useMemo, useState } from "react";
import useSWR from "swr";
import { kubernetesYaml } from "@/lib/model/kubernetes-yaml";
import { COMMAND_PRESET_IDS, COMMAND_PRESETS, HOST_WARNING, NAMESPACE_CHOICES, SPEC_NAMESPACES, UTS_EXPLANATION, type CommandPreset, type FieldIssue, type ImageChoice, type NamespaceChoice, type PodContainer, type PodSpec } from "@/lib/model/pod-spec";
import type { RuntimeKind } from "@/lib/model/types";
import { ApiError, createFromBuilder, fetchImageChoices } from "@/lib/view/api-client";
import { runtimePreview } from "@/lib/view/builder-preview";
import { chosenRuntime, creatableRuntimes } from "@/lib/view/runtimes";
import { useLiveSnapshot } from "@/lib/view/use-live-snapshot";
import RuntimePicker from "./RuntimePicker";

/**
 * The pod builder: compose a pod (sandbox, containers from the allow-listed images with
 * preset commands, namespace sharing, cgroup parent, limits, one published port) and see,
 * live, the exact `docker run` commands and the equivalent Kubernetes Pod. Every field is
 * checked with the same schema the server uses; errors show beside the field.
 */

const NO_LIMITS = { memoryMi: null, cpus: null, pidsMax: null };

function firstRef(images: ImageChoice[], ok: (i: ImageChoice) => boolean): string {
  const matching = images.filter(ok);
  return (matching.find((i) => i.source === "real") ?? matching.find((i) => i.present) ?? matching[0])?.ref ?? "";
}

function initialSpec(images: ImageChoice[]): PodSpec {
  const shell = firstRef(images, (i) => i.tools.includes("httpd"));
  return {
    name: "my-pod",
    sandbox: { kind: "pause", image: firstRef(images, (i) => i.role === "pause") },
    namespaces: { net: "sandbox", ipc: "sandbox", pid: "sandbox", uts: "private" },
    cgroupParent: "/pod-my-pod",
    port: null,
    initContainers: [],
    containers: [
      { name: "web", image: shell, command: "web", limits: { memoryMi: 64, cpus: 0.5, pidsMax: null }, mountVolumes: false },
      { name: "shell", image: shell, command: "sleep", limits: NO_LIMITS, mountVolumes: false },
    ],
    volumes: [],
    kubernetes: null,
  };
}

/** The server's `path: message; …` detail back into field issues. */
function parseDetail(detail: string | undefined): FieldIssue[] {
  return (detail ?? "").split("; ").flatMap((part) => {
    const at = part.indexOf(": ");
    return at > 0 ? [{ path: part.slice(0, at), message: part.slice(at + 2) }] : [];
  });
}

const numberOrNull = (v: string): number | null => (v.trim() === "" ? null : Number(v));

/** The commands a builder container can run with an image: app commands, without volumes. */
function presetsFor(image: ImageChoice | undefined): CommandPreset[] {
  return COMMAND_PRESET_IDS.filter((id) => {
    const p = COMMAND_PRESETS[id];
    return p.use !== "init" && p.volumes === 0 && (p.needs === null || (image?.tools.includes(p.needs) ?? false));
  });
}

export default function PodBuilder({ token }: { token: string }) {
  const { data: snapshot } = useLiveSnapshot();
  const creatable = creatableRuntimes(snapshot);
  const [wanted, setWanted] = useState<RuntimeKind | null>(null);
  const runtime = chosenRuntime(creatable, wanted) ?? "docker";
  const { data, error } = useSWR(`/api/builder?runtime=${runtime}`, fetchImageChoices);
  if (error) {
    return (
      <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
        Cannot list the images: {error instanceof ApiError ? `${error.message} ${error.detail ?? ""}` : String(error)}
      </p>
    );
  }
  if (!data) return <p className="p-4 text-slate-500">Listing the images…</p>;
  return (
    <div className="flex flex-col gap-2">
      <RuntimePicker choices={creatable} value={runtime} onChange={setWanted} />
      <BuilderForm key={runtime} token={token} images={data.images} runtime={runtime} />
    </div>
  );
}

function BuilderForm({ token, images, runtime }: { token: string; images: ImageChoice[]; runtime: RuntimeKind }) {
  const [spec, setSpec] = useState<PodSpec>(() => initialSpec(images));
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [notice, setNotice] = useState<{ kind: "info" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const edit = (change: (s: PodSpec) => PodSpec) => {
    setSpec(change);
    setServerIssues([]);
  };
  const setContainer = (i: number, change: Partial<PodContainer>) =>
    edit((s) => ({ ...s, containers: s.containers.map((c, j) => (j === i ? { ...c, ...change } : c)) }));

  const [uid] = useState(() => crypto.randomUUID());
  const preview = useMemo(() => runtimePreview(runtime, spec, images, uid), [runtime, spec, images, uid]);
  const issues = [...preview.issues, ...serverIssues];
  const valid = issues.length === 0;
  const yaml = valid ? kubernetesYaml(spec) : null;
  const hostChosen = SPEC_NAMESPACES.some((t) => spec.namespaces[t] === "host");

  async function create() {
    setBusy(true);
    setNotice(null);
    try {
      const { pods } = await createFromBuilder(token, spec, runtime);
      setNotice({ kind: "info", text: `Created pod ${pods[0]?.name}: ${pods[0]?.containers.map((c) => c.name).join(", ")}.` });
    } catch (err) {
      if (err instanceof ApiError) {
        const fields = parseDetail(err.detail);
        setServerIssues(err.status === 400 ? fields : []);
        setNotice({ kind: "error", text: `${err.message}${err.detail ? `: ${err.detail}` : ""}` });
      } else setNotice({ kind: "error", text: String(err) });
    } finally {
      setBusy(false);
    }
  }

  const holder = spec.sandbox.kind === "none" ? "the first container" : "the sandbox";
  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <form className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm" onSubmit={(e) => e.preventDefault()} aria-label="Pod builder">
        <Field label="Pod name" path="name" issues={issues}>
          <input
            aria-label="Pod name"
            value={spec.name}
            onChange={(e) => {
              const name = e.target.value;
              // The cgroup parent follows the name until it is edited.
              edit((s) => ({ ...s, name, cgroupParent: s.cgroupParent === `/pod-${s.name}` ? `/pod-${name}` : s.cgroupParent }));
            }}
            className="w-64 rounded border border-slate-300 px-2 py-1 font-mono"
          />
        </Field>

        <Field label="Sandbox" path="sandbox" issues={issues}>
          <div className="flex flex-wrap items-center gap-3">
            {(["pause", "sleep", "none"] as const).map((kind) => (
              <label key={kind} className="flex items-center gap-1">
                <input
                  type="radio"
                  name="sandbox"
                  checked={spec.sandbox.kind === kind}
                  onChange={() =>
                    edit((s) => ({
                      ...s,
                      sandbox:
                        kind === "none"
                          ? { kind }
                          : { kind, image: firstRef(images, kind === "pause" ? (i) => i.role === "pause" : (i) => i.tools.includes("sh")) },
                    }))
                  }
                />
                {kind === "pause" ? "pause" : kind === "sleep" ? "sleep infinity" : "none"}
              </label>
            ))}
            {spec.sandbox.kind !== "none" && (
              <select
                aria-label="Sandbox image"
                value={spec.sandbox.image}
                onChange={(e) => edit((s) => (s.sandbox.kind === "none" ? s : { ...s, sandbox: { ...s.sandbox, image: e.target.value } }))}
                className="rounded border border-slate-300 px-1 py-0.5 font-mono text-xs"
              >
                <ImageOptions images={images} />
              </select>
            )}
          </div>
          <FieldErrors path="sandbox.image" issues={issues} />
        </Field>

        <fieldset>
          <legend className="font-medium">Namespaces</legend>
          <table className="mt-1 text-xs">
            <thead>
              <tr className="text-slate-500">
                <th />
                <th className="px-2 font-medium">share with {holder}</th>
                <th className="px-2 font-medium">private</th>
                <th className="px-2 font-medium">host</th>
              </tr>
            </thead>
            <tbody>
              {SPEC_NAMESPACES.map((t) => (
                <tr key={t} data-ns-row={t}>
                  <th className="pr-2 text-left font-mono">{t}</th>
                  {NAMESPACE_CHOICES.map((choice: NamespaceChoice) => (
                    <td key={choice} className="px-2 text-center">
                      <input
                        type="radio"
                        aria-label={`${t} ${choice}`}
                        name={`ns-${t}`}
                        checked={spec.namespaces[t] === choice}
                        disabled={t === "uts" && choice === "sandbox"}
                        title={t === "uts" && choice === "sandbox" ? UTS_EXPLANATION : undefined}
                        onChange={() => edit((s) => ({ ...s, namespaces: { ...s.namespaces, [t]: choice } }))}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-1 text-xs text-slate-600" data-testid="uts-explanation">
            uts cannot be shared: {UTS_EXPLANATION}
          </p>
          {SPEC_NAMESPACES.map((t) => (
            <FieldErrors key={t} path={`namespaces.${t}`} issues={issues} />
          ))}
          {hostChosen && (
            <p role="alert" data-testid="host-warning" className="mt-2 rounded border border-amber-400 bg-amber-50 p-2 text-xs text-amber-900">
              <strong>Host namespaces:</strong> {HOST_WARNING}
            </p>
          )}
        </fieldset>

        <Field label="cgroup parent" path="cgroupParent" issues={issues}>
          <input
            aria-label="cgroup parent"
            value={spec.cgroupParent ?? ""}
            placeholder="Docker's default (/docker)"
            onChange={(e) => edit((s) => ({ ...s, cgroupParent: e.target.value === "" ? null : e.target.value }))}
            className="w-80 rounded border border-slate-300 px-2 py-1 font-mono"
          />
        </Field>

        <Field label="Published port (on 127.0.0.1)" path="port" issues={issues}>
          <div className="flex flex-wrap items-center gap-2">
            <label className="flex items-center gap-1">
              <input
                type="checkbox"
                aria-label="Publish a port"
                checked={spec.port !== null}
                onChange={(e) => edit((s) => ({ ...s, port: e.target.checked ? { containerPort: 80, hostPort: 8080 } : null }))}
              />
              publish
            </label>
            {spec.port && (
              <>
                <span className="font-mono">127.0.0.1:</span>
                <input
                  aria-label="Host port"
                  type="number"
                  value={spec.port.hostPort}
                  onChange={(e) => edit((s) => ({ ...s, port: { containerPort: s.port?.containerPort ?? 80, hostPort: Number(e.target.value) } }))}
                  className="w-24 rounded border border-slate-300 px-1"
                />
                <span>→ container port</span>
                <input
                  aria-label="Container port"
                  type="number"
                  value={spec.port.containerPort}
                  onChange={(e) => edit((s) => ({ ...s, port: { hostPort: s.port?.hostPort ?? 8080, containerPort: Number(e.target.value) } }))}
                  className="w-20 rounded border border-slate-300 px-1"
                />
              </>
            )}
          </div>
          <FieldErrors path="port.hostPort" issues={issues} />
          <FieldErrors path="port.containerPort" issues={issues} />
        </Field>

        <Field label="Names" path="kubernetes" issues={issues}>
          <label className="flex items-center gap-1">
            <input
              type="checkbox"
              aria-label="Kubernetes names"
              checked={spec.kubernetes !== null}
              onChange={(e) => edit((s) => ({ ...s, kubernetes: e.target.checked ? { namespace: "default", uid: crypto.randomUUID() } : null }))}
            />
            as Kubernetes&apos; dockershim named them (k8s_POD_&lt;pod&gt;_&lt;namespace&gt;_&lt;uid&gt;_0, io.kubernetes.* labels)
          </label>
        </Field>

        <fieldset className="flex flex-col gap-2">
          <legend className="font-medium">Containers</legend>
          <FieldErrors path="containers" issues={issues} />
          {spec.containers.map((c, i) => {
            const image = images.find((im) => im.ref === c.image);
            const presets = presetsFor(image);
            const at = (f: string) => `containers.${i}.${f}`;
            return (
              <div key={i} data-builder-container={i} className="rounded border border-slate-200 p-2">
                <div className="flex flex-wrap items-center gap-2">
                  <input
                    aria-label={`Container ${i + 1} name`}
                    value={c.name}
                    onChange={(e) => setContainer(i, { name: e.target.value })}
                    className="w-36 rounded border border-slate-300 px-1 font-mono"
                  />
                  <select
                    aria-label={`Container ${i + 1} image`}
                    value={c.image}
                    onChange={(e) => setContainer(i, { image: e.target.value })}
                    className="rounded border border-slate-300 px-1 font-mono text-xs"
                  >
                    <ImageOptions images={images} />
                  </select>
                  <select
                    aria-label={`Container ${i + 1} command`}
                    value={c.command}
                    onChange={(e) => setContainer(i, { command: e.target.value as CommandPreset })}
                    className="rounded border border-slate-300 px-1 text-xs"
                  >
                    {[...new Set([...presets, c.command])].map((id) => (
                      <option key={id} value={id}>
                        {COMMAND_PRESETS[id].label}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    onClick={() => edit((s) => ({ ...s, containers: s.containers.filter((_, j) => j !== i) }))}
                    className="ml-auto text-xs text-red-700 hover:underline"
                  >
                    Remove
                  </button>
                </div>
                <FieldErrors path={at("name")} issues={issues} />
                <FieldErrors path={at("image")} issues={issues} />
                <FieldErrors path={at("command")} issues={issues} />
                <div className="mt-1 flex flex-wrap gap-3 text-xs">
                  <LimitInput label="memory (MiB)" value={c.limits.memoryMi} path={at("limits.memoryMi")} issues={issues} onChange={(v) => setContainer(i, { limits: { ...c.limits, memoryMi: v } })} />
                  <LimitInput label="CPUs" value={c.limits.cpus} path={at("limits.cpus")} issues={issues} step="0.01" onChange={(v) => setContainer(i, { limits: { ...c.limits, cpus: v } })} />
                  <LimitInput label="pids" value={c.limits.pidsMax} path={at("limits.pidsMax")} issues={issues} onChange={(v) => setContainer(i, { limits: { ...c.limits, pidsMax: v } })} />
                </div>
              </div>
            );
          })}
          <button
            type="button"
            disabled={spec.containers.length >= 5}
            onClick={() =>
              edit((s) => ({
                ...s,
                containers: [...s.containers, { name: `c${s.containers.length + 1}`, image: firstRef(images, (im) => im.tools.includes("sh")), command: "sleep", limits: NO_LIMITS, mountVolumes: false }],
              }))
            }
            className="self-start rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50"
          >
            Add container
          </button>
        </fieldset>

        <div className="flex items-center gap-3">
          <button
            type="button"
            onClick={create}
            disabled={!valid || busy}
            className="rounded-md bg-indigo-600 px-4 py-1.5 font-semibold text-white shadow hover:bg-indigo-700 disabled:cursor-not-allowed disabled:bg-slate-400"
          >
            {busy ? "Creating…" : "Create pod"}
          </button>
          {!valid && <span className="text-xs text-red-800">Fix the fields marked in red.</span>}
        </div>
        {notice && (
          <p
            role={notice.kind === "error" ? "alert" : "status"}
            data-testid="builder-notice"
            className={`rounded border px-3 py-1 ${notice.kind === "error" ? "border-red-300 bg-red-50 text-red-900" : "border-emerald-300 bg-emerald-50 text-emerald-900"}`}
          >
            {notice.text}
          </p>
        )}
      </form>

      <div className="flex min-w-0 flex-col gap-4">
        <Preview title={preview.title} copyLabel={preview.copyLabel} testId={preview.testId} text={preview.text} />
        <Preview title="Kubernetes Pod (YAML)" copyLabel="Copy YAML" testId="preview-yaml" text={yaml} />
      </div>
    </div>
  );
}

function ImageOptions({ images }: { images: ImageChoice[] }) {
  return (
    <>
      {images.map((i) => (
        <option key={i.ref} value={i.ref}>
          {i.ref}
          {i.source === "stand-in" ? ` (stand-in for ${i.role}${i.present ? "" : ", built on first use"})` : i.source === "real" ? " (real image)" : ""}
        </option>
      ))}
    </>
  );
}

function FieldErrors({ path, issues }: { path: string; issues: FieldIssue[] }) {
  const mine = issues.filter((i) => i.path === path);
  if (mine.length === 0) return null;
  return (
    <ul className="mt-0.5 text-xs text-red-800" data-field-error={path}>
      {mine.map((i) => (
        <li key={i.message}>{i.message}</li>
      ))}
    </ul>
  );
}

function Field({ label, path, issues, children }: { label: string; path: string; issues: FieldIssue[]; children: React.ReactNode }) {
  return (
    <div>
      <div className="font-medium">{label}</div>
      <div className="mt-0.5">{children}</div>
      <FieldErrors path={path} issues={issues} />
    </div>
  );
}

function LimitInput(props: { label: string; value: number | null; path: string; issues: FieldIssue[]; step?: string; onChange: (v: number | null) => void }) {
  return (
    <label className="flex flex-col">
      <span className="text-slate-600">{props.label}</span>
      <input
        aria-label={props.label}
        type="number"
        step={props.step ?? "1"}
        value={props.value ?? ""}
        placeholder="no limit"
        onChange={(e) => props.onChange(numberOrNull(e.target.value))}
        className="w-24 rounded border border-slate-300 px-1"
      />
      <FieldErrors path={props.path} issues={props.issues} />
    </label>
  );
}

function Preview({ title, copyLabel, testId, text }: { title: string; copyLabel: string; testId: string; text: string | null }) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3" aria-label={title}>
      <div className="flex items-center gap-2">
        <h3 className="font-semibold">{title}</h3>
        <button
          type="button"
          disabled={text === null}
          onClick={async () => {
            if (text === null) return;
            await navigator.clipboard.writeText(text);
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          }}
          className="ml-auto rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50"
        >
          {copied ? "Copied" : copyLabel}
        </button>
      </div>
      <pre data-testid={testId} className="mt-2 max-h-[32rem] overflow-auto whitespace-pre rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">
        {text ?? "Fix the fields marked in red to see it."}
      </pre>
    </section>
  );
}
