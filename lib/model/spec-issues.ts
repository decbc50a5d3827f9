/**
 * A PodSpec's problems on a given runtime: Docker's rules (the PodSpec schema itself), the
 * CRI's (uts follows the sandbox; no emptyDir without the kubelet; …) and Podman's (no pod
 * without an infra container; uts can be shared). One place that says which rules apply
 * where, for the builder's preview and for the server's validation. Pure.
 */
import { z } from "zod";
import { criSpecIssues } from "./cri-plan";
import { podmanSpecIssues } from "./podman-plan";
import { PodSpecSchema, specIssues, type FieldIssue, type PodSpec } from "./pod-spec";
import type { RuntimeKind } from "./types";

/** The spec's schema problems on this runtime (not yet the image allow-list: imageIssues). */
export function specIssuesOn(runtime: RuntimeKind, input: unknown): FieldIssue[] {
  return runtime === "cri" ? criSpecIssues(input) : runtime === "podman" ? podmanSpecIssues(input) : specIssues(input);
}

/** The PodSpec schema with this runtime's rules: what POST /api/builder?runtime=… accepts. */
export function podSpecSchemaOn(runtime: RuntimeKind): z.ZodType<PodSpec> {
  if (runtime === "docker") return PodSpecSchema;
  return z.custom<PodSpec>().superRefine((input, ctx) => {
    for (const issue of specIssuesOn(runtime, input)) ctx.addIssue({ code: "custom", path: issue.path === "" ? [] : issue.path.split("."), message: issue.message });
  });
}
