import { randomBytes } from "node:crypto";
import PageHeader from "@/components/PageHeader";
import PresentationToggle from "@/components/PresentationToggle";
import { connection } from "next/server";
import StepByStep from "@/components/StepByStep";
import { CATALOGUE } from "@/lib/model/catalogue";
import { launchToken } from "@/lib/server/guard";
import { RUNTIME_KINDS, type RuntimeKind } from "@/lib/model/types";

export const metadata = { title: "Pod Anatomy — step by step" };

/** One catalogue entry built one command at a time (?entry=…[&runtime=docker|cri|podman]). Rendered per request: this launch's token, a fresh instance suffix. */
export default async function StepsPage({ searchParams }: { searchParams: Promise<{ entry?: string; port?: string; runtime?: string }> }) {
  await connection();
  const token = launchToken();
  const { entry: wanted, port, runtime: askedRuntime } = await searchParams;
  const runtime = RUNTIME_KINDS.find((k) => k === askedRuntime) ?? null;
  // ?port=: publish on another host port than the entry's own (8880 is shared on a training machine).
  const hostPort = port && /^\d{4,5}$/.test(port) && Number(port) >= 1024 && Number(port) <= 65535 ? Number(port) : null;
  const entry = CATALOGUE.find((e) => e.id === wanted) ?? CATALOGUE[0]!;
  return (
    <div className="flex min-h-screen flex-col">
      <meta name="pod-anatomy-token" content={token} />
      <PageHeader
        title={`step by step: ${entry.title}`}
        subtitle="Each step is one real command, shown before it runs. Run it here, or type it in your terminal and let the page see its effect."
        links={[
          { href: "/catalogue", label: "Catalogue" },
          { href: "/challenges", label: "Challenges" },
        ]}
      >
        <PresentationToggle />
      </PageHeader>
      <main className="p-6">
        <StepByStep token={token} entry={entry.id} suffix={randomBytes(3).toString("hex")} hostPort={hostPort} runtime={runtime as RuntimeKind | null} />
      </main>
    </div>
  );
}
