/**
 * The builder's preview in the chosen runtime's own commands: `docker run` lines, `crictl
 * runp` / `create` / `start` with their JSON files, `podman pod create` / `podman create
 * --pod` / `podman pod start`, and the runtime's own issues with a
 * spec (what that runtime cannot do). Pure: spec in, text out.
 */
import { crictlScript, planCriPod } from "@/lib/model/cri-plan";
import { dockerRunScript } from "@/lib/model/docker-run-script";
import { planPod } from "@/lib/model/pod-plan";
import { planPodmanPod, podmanScript } from "@/lib/model/podman-plan";
import { imageIssues, type FieldIssue, type ImageChoice, type PodSpec } from "@/lib/model/pod-spec";
import { specIssuesOn } from "@/lib/model/spec-issues";
import type { RuntimeKind } from "@/lib/model/types";

export interface RuntimePreview {
  title: string;
  copyLabel: string;
  testId: string;
  /** The commands, or null while the spec has issues. */
  text: string | null;
  issues: FieldIssue[];
}

/**
 * @param uid the pod uid the CRI preview uses when the spec has none (the kubelet's cgroup
 *   parent names it); the server picks its own when it creates the pod.
 */
export function runtimePreview(runtime: RuntimeKind, spec: PodSpec, images: readonly ImageChoice[], uid: string): RuntimePreview {
  const sourceOf = (ref: string) => images.find((i) => i.ref === ref)?.source ?? "other";
  if (runtime === "cri") {
    const schema = specIssuesOn("cri", spec);
    const issues = schema.length > 0 ? schema : imageIssues(spec, images).filter((i) => !i.path.startsWith("sandbox"));
    const text =
      issues.length > 0
        ? null
        : crictlScript(planCriPod(spec, { sample: "builder", sourceOf, uid, cgroupDriver: "cgroupfs", sandboxImageSource: "stand-in" }));
    return { title: "crictl (the CRI, as the kubelet calls it)", copyLabel: "Copy crictl commands", testId: "preview-crictl", text, issues };
  }
  if (runtime === "podman") {
    const schema = specIssuesOn("podman", spec);
    const issues = schema.length > 0 ? schema : imageIssues(spec, images).filter((i) => !(spec.sandbox.kind === "pause" && i.path.startsWith("sandbox")));
    const text = issues.length > 0 ? null : podmanScript(planPodmanPod(spec, { sample: "builder", sourceOf }));
    return { title: "podman (a pod and its infra container)", copyLabel: "Copy podman commands", testId: "preview-podman", text, issues };
  }
  const schema = specIssuesOn("docker", spec);
  const issues = schema.length > 0 ? schema : imageIssues(spec, images);
  const text = issues.length > 0 ? null : dockerRunScript(planPod(spec, { sample: "builder", sourceOf }));
  return { title: "docker run", copyLabel: "Copy docker run", testId: "preview-docker", text, issues };
}
