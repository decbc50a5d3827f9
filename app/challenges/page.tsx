import PageHeader from "@/components/PageHeader";
import PresentationToggle from "@/components/PresentationToggle";
import Challenges from "@/components/Challenges";

export const metadata = { title: "Pod Anatomy — challenges" };

/** Exercises a learner does in a terminal, with any names; the dashboard checks each live. */
export default async function ChallengesPage({ searchParams }: { searchParams: Promise<{ label?: string }> }) {
  const label = (await searchParams).label;
  return (
    <div className="flex min-h-screen flex-col">
      <PageHeader
        title="challenges"
        subtitle="Do each one in your own terminal, with names of your choice: the page checks what the kernel and the runtimes say, live."
        links={[
          { href: "/", label: "Dashboard" },
          { href: "/catalogue", label: "Catalogue" },
        ]}
      >
        <PresentationToggle />
      </PageHeader>
      <main className="p-6">
        <Challenges label={typeof label === "string" && /^[^=\s]+=\S*$/.test(label) ? label : null} />
      </main>
    </div>
  );
}
