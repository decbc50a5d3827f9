import PageHeader from "@/components/PageHeader";
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
      <PageHeader
        subtitle="The classic experiments, one click each; or compose a pod and see its docker run commands and Kubernetes YAML."
        links={[
          ...TABS.map((t) => ({ href: `/catalogue?view=${t.view}`, label: t.label, current: view === t.view })),
          { href: "/", label: "Dashboard" },
          { href: "/challenges", label: "Challenges" },
        ]}
      />
      <main className="p-6">{view === "builder" ? <PodBuilder token={token} /> : <Catalogue token={token} />}</main>
    </div>
  );
}
