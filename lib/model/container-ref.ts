/**
 * `container:<ref>`: how Docker's HostConfig modes (NetworkMode, IpcMode, PidMode) say a
 * container joined another's namespace, and which container a ref names. The one home of
 * this rule (grouping pods, a pod's timeline, the plan of a PodSpec). Pure: no I/O.
 *
 * A ref names a container by its full id, its name, or an id prefix of 12 characters or more.
 */

const PREFIX = "container:";

/** The shortest id prefix a ref may be (Docker's short ids). */
export const MIN_ID_PREFIX = 12;

/** The mode that joins the namespace of the container `ref` names. */
export function containerMode(ref: string): string {
  return `${PREFIX}${ref}`;
}

/** The ref of a `container:<ref>` mode; null for any other mode ("host", "private", "", …). */
export function joinedRef(mode: string): string | null {
  return mode.startsWith(PREFIX) ? mode.slice(PREFIX.length) : null;
}

/** Does the ref name this container (full id, name, or an id prefix of 12 or more)? */
export function refNames(ref: string, target: { id: string; name: string }): boolean {
  return ref === target.id || ref === target.name || (ref.length >= MIN_ID_PREFIX && target.id.startsWith(ref));
}

/** Does the mode join this container's namespace? */
export function modeJoins(mode: string, target: { id: string; name: string }): boolean {
  const ref = joinedRef(mode);
  return ref !== null && refNames(ref, target);
}

/** The container a ref names among these: an exact id or name first, else the first id the prefix (≥ 12) starts. */
export function resolveContainerRef<C extends { id: string; name: string }>(ref: string, containers: readonly C[]): C | undefined {
  return (
    containers.find((c) => c.id === ref || c.name === ref) ??
    (ref.length >= MIN_ID_PREFIX ? containers.find((c) => c.id.startsWith(ref)) : undefined)
  );
}
