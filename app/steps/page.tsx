import { randomBytes } from "node:crypto";
import Link from "next/link";
import PresentationToggle from "@/components/PresentationToggle";
import { connection } from "next/server";
import StepByStep from "@/components/StepByStep";
import { CATALOGUE } from "@/lib/model/catalogue";
import { launchToken } from "@/lib/server/guard";

export const metadata = { title: "Pod Anatomy — step by step" };

/** One catalogue entry built one command at a time (?entry=…), on Docker. Rendered per request: this launch's token, a fresh instance suffix. */
export default async function StepsPage({ searchParams }: { searchParams: Promise<{ entry?: string; port?: string }> }) {
  await connection();
  const token = launchToken();
  const { entry: wanted, port } = await searchParams;
  // ?port=: publish on another host port than the entry's own (8880 is shared on a training machine).
  const hostPort = port && /^\d{4,5}$/.test(port) && Number(port) >= 1024 && Number(port) <= 65535 ? Number(port) : null;
  const entry = CATALOGUE.find((e) => e.id === wanted) ?? CATALOGUE[0]!;
  return (
    <div className="flex min-h-screen flex-col">
      <meta name="pod-anatomy-token" content={token} />
      <header className="flex flex-wrap items-center gap-4 border-b border-slate-200 bg-white px-6 py-3">
        <div className="mr-auto">
          <h1 className="text-2xl font-bold tracking-tight">
            <Link href="/" className="hover:underline">
              Pod Anatomy
            </Link>{" "}
            — step by step: {entry.title}
          </h1>
          <p className="text-sm text-slate-600">Each step is one real command, shown before it runs. Run it here, or type it in your terminal and let the page see its effect.</p>
        </div>
        <PresentationToggle />
        <nav data-control className="flex gap-1" aria-label="Views">
          <Link href="/catalogue" className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
            Catalogue
          </Link>
          <Link href="/challenges" className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
            Challenges
          </Link>
        </nav>
      </header>
      <main className="p-6">
        <StepByStep token={token} entry={entry.id} suffix={randomBytes(3).toString("hex")} hostPort={hostPort} />
      </main>
    </div>
  );
}
