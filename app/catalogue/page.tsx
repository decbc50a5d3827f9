import Link from "next/link";
import { connection } from "next/server";
import Catalogue from "@/components/Catalogue";
import PodBuilder from "@/components/PodBuilder";
import { launchToken } from "@/lib/server/guard";

export const metadata = { title: "Pod Anatomy — catalogue and pod builder" };

const TABS = [
  { view: "catalogue", label: "Catalogue" },
  { view: "builder", label: "Pod builder" },
] as const;

/** The catalogue of classic experiments, and the pod builder (?view=builder). Rendered per request: it hands the page this launch's token. */
export default async function CataloguePage({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  await connection();
  const token = launchToken();
  const view = (await searchParams).view === "builder" ? "builder" : "catalogue";
  return (
    <div className="flex min-h-screen flex-col">
      <meta name="pod-anatomy-token" content={token} />
      <header className="flex flex-wrap items-center gap-4 border-b border-slate-200 bg-white px-6 py-3">
        <div className="mr-auto">
          <h1 className="text-2xl font-bold tracking-tight">
            <Link href="/" className="hover:underline">
              Pod Anatomy
            </Link>
          </h1>
          <p className="text-sm text-slate-600">The classic experiments, one click each; or compose a pod and see its docker run commands and Kubernetes YAML.</p>
        </div>
        <nav className="flex gap-1" aria-label="Views">
          {TABS.map((t) => (
            <Link
              key={t.view}
              href={`/catalogue?view=${t.view}`}
              aria-current={view === t.view ? "page" : undefined}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${view === t.view ? "bg-slate-800 text-white" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {t.label}
            </Link>
          ))}
          <Link href="/" className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
            Dashboard
          </Link>
          <Link href="/challenges" className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
            Challenges
          </Link>
        </nav>
      </header>
      <main className="p-6">{view === "builder" ? <PodBuilder token={token} /> : <Catalogue token={token} />}</main>
    </div>
  );
}
