import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { catalogueEntry, type CatalogueEntry, type CatalogueEntryId, type CatalogueImageRole, type ResolvedImageRef } from "@/lib/model/catalogue";
import type { PodSpec } from "@/lib/model/pod-spec";

/**
 * One instance of a catalogue entry as PodSpecs, on any runtime: each image role resolved
 * once by the runtime's own `resolve` (its real image, or the stand-in it has or makes), a
 * fresh name suffix and pod uid. The runtime then creates the specs, all or nothing.
 */
export async function catalogueSpecs(
  id: CatalogueEntryId,
  resolve: (role: CatalogueImageRole) => Promise<ResolvedImageRef>,
  opts: { suffix?: string; hostPort?: number; uid?: string } = {},
): Promise<{ entry: CatalogueEntry; specs: PodSpec[] }> {
  const entry = catalogueEntry(id);
  const resolved = new Map<CatalogueImageRole, ResolvedImageRef>();
  for (const role of entry.roles) resolved.set(role, await resolve(role));
  const specs = entry.pods({
    suffix: opts.suffix ?? randomBytes(3).toString("hex"),
    uid: opts.uid ?? randomUUID(),
    hostPort: opts.hostPort,
    image: (role) => {
      const image = resolved.get(role);
      if (!image) throw new Error(`catalogue entry ${entry.id} uses ${role} without listing it in its roles`);
      return image;
    },
  });
  return { entry, specs };
}
