import Link from "next/link";
import PresentationToggle from "@/components/PresentationToggle";
import Challenges from "@/components/Challenges";

export const metadata = { title: "Pod Anatomy — challenges" };

/** Exercises a learner does in a terminal, with any names; the dashboard checks each live. */
export default async function ChallengesPage({ searchParams }: { searchParams: Promise<{ label?: string }> }) {
  const label = (await searchParams).label;
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex flex-wrap items-center gap-4 border-b border-slate-200 bg-white px-6 py-3">
        <div className="mr-auto">
          <h1 className="text-2xl font-bold tracking-tight">
            <Link href="/" className="hover:underline">
              Pod Anatomy
            </Link>{" "}
            — challenges
          </h1>
          <p className="text-sm text-slate-600">Do each one in your own terminal, with names of your choice: the page checks what the kernel and the runtimes say, live.</p>
        </div>
        <PresentationToggle />
        <nav data-control className="flex gap-1" aria-label="Views">
          <Link href="/" className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
            Dashboard
          </Link>
          <Link href="/catalogue" className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
            Catalogue
          </Link>
        </nav>
      </header>
      <main className="p-6">
        <Challenges label={typeof label === "string" && /^[^=\s]+=\S*$/.test(label) ? label : null} />
      </main>
    </div>
  );
}
