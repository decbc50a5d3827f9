/**
 * What the dashboard's URL says: which pod is in focus (`?pod=NAME`, a link a trainer can put
 * on a slide) and which view is shown (`?view=`). Pure: search strings in and out.
 *
 * Defaults are left out of the URL: with a pod, the graph; without one, the overview (when
 * there are pods; the graph otherwise, which then says what to do).
 */
export const DASHBOARD_VIEWS = ["overview", "graph", "namespaces", "cgroups", "processes"] as const;
export type DashboardView = (typeof DASHBOARD_VIEWS)[number];

export interface DashboardLocation {
  /** The `?pod=` value, or null: no focus. */
  pod: string | null;
  /** The `?view=` value when it names a view, else null: the default. */
  view: DashboardView | null;
}

export function parseDashboardSearch(search: string | URLSearchParams): DashboardLocation {
  const params = typeof search === "string" ? new URLSearchParams(search) : search;
  const pod = params.get("pod")?.trim() || null;
  const view = params.get("view");
  return { pod, view: (DASHBOARD_VIEWS as readonly string[]).includes(view ?? "") ? (view as DashboardView) : null };
}

/** The view shown for a location: its own, else the default. */
export function viewOf(location: DashboardLocation, hasPods: boolean): DashboardView {
  if (location.view !== null) return location.view;
  return location.pod !== null ? "graph" : hasPods ? "overview" : "graph";
}

/**
 * The search string (with its "?", or "" for none) of a location, keeping parameters the
 * dashboard does not own. A view equal to its default is left out.
 */
export function dashboardSearch(location: DashboardLocation, current: string | URLSearchParams = "", hasPods = true): string {
  const params = new URLSearchParams(typeof current === "string" ? current : current.toString());
  params.delete("pod");
  params.delete("view");
  if (location.pod !== null) params.set("pod", location.pod);
  if (location.view !== null && location.view !== viewOf({ pod: location.pod, view: null }, hasPods)) params.set("view", location.view);
  const text = params.toString();
  return text ? `?${text}` : "";
}
