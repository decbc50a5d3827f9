/** The shapes of requests that change things, validated at the boundary (zod). Pure. */
import { z } from "zod";
import { RUNTIME_KINDS } from "./types";

/** Which runtime a pod is made on: Docker (the default), the CRI (containerd, CRI-O) or Podman. */
export const RuntimeChoice = z.enum(RUNTIME_KINDS, { error: 'the runtime is one of "docker", "cri", "podman"' }).default("docker");

/** A pod name as Pod Anatomy makes them: lower-case letters, digits and dashes. */
export const PodName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, "a pod name is 1-41 lower-case letters, digits or dashes, starting with a letter or digit");

export const CreatePodRequest = z
  .object({
    sample: z.literal("ghost-behind-nginx", { error: 'the only sample is "ghost-behind-nginx"' }),
    runtime: RuntimeChoice,
  })
  .strict();
export type CreatePodRequest = z.infer<typeof CreatePodRequest>;
