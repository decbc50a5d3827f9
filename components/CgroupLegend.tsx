/**
 * What each cgroup controller does, one line each; the rarer ones explained in tooltips.
 * No hooks: renders on the server or inside client components alike.
 */
import { CGROUP_CONTROLLER_EXPLANATIONS, CGROUP_CONTROLLERS, OTHER_CGROUP_CONTROLLER_EXPLANATIONS } from "@/lib/model/cgroup-controllers";
import { LegendList } from "./LegendList";

export default function CgroupLegend() {
  const entries = CGROUP_CONTROLLERS.map((name) => ({
    key: name,
    term: (
      <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-sm font-bold text-slate-800" title={CGROUP_CONTROLLER_EXPLANATIONS[name]}>
        {name}
      </code>
    ),
    meaning: CGROUP_CONTROLLER_EXPLANATIONS[name],
  }));
  return (
    <LegendList title="Cgroup controllers" entries={entries}>
      <p className="mt-2 text-sm text-slate-700">
        Also:{" "}
        {Object.entries(OTHER_CGROUP_CONTROLLER_EXPLANATIONS).map(([name, text], i) => (
          <span key={name}>
            {i > 0 && ", "}
            <abbr title={text} className="font-mono">
              {name}
            </abbr>
          </span>
        ))}{" "}
        (hover for what they do).
      </p>
    </LegendList>
  );
}
