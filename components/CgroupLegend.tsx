/**
 * What each cgroup controller does, one line each; the rarer ones explained in tooltips.
 * No hooks: renders on the server or inside client components alike.
 */
import { CGROUP_CONTROLLER_EXPLANATIONS, CGROUP_CONTROLLERS, OTHER_CGROUP_CONTROLLER_EXPLANATIONS } from "@/lib/model/cgroup-controllers";

export default function CgroupLegend() {
  return (
    <section aria-label="Cgroup controllers" className="rounded-lg border border-slate-200 bg-white p-4 text-slate-900">
      <h2 className="mb-2 text-base font-bold">Cgroup controllers</h2>
      <dl className="grid grid-cols-[auto_1fr] items-baseline gap-x-3 gap-y-1.5 text-sm">
        {CGROUP_CONTROLLERS.map((name) => (
          <div key={name} className="contents">
            <dt>
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-sm font-bold text-slate-800" title={CGROUP_CONTROLLER_EXPLANATIONS[name]}>
                {name}
              </code>
            </dt>
            <dd className="text-slate-700">{CGROUP_CONTROLLER_EXPLANATIONS[name]}</dd>
          </div>
        ))}
      </dl>
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
    </section>
  );
}
