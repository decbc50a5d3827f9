import Link from "next/link";
import type { ReactNode } from "react";

/** A link of a page's header navigation; `current` marks the page shown. */
export interface HeaderLink {
  href: string;
  label: string;
  current?: boolean;
}

/**
 * The header of the pages beside the dashboard (catalogue, step by step, challenges): the
 * app's name linking home, what the page is, its controls, and links to the other pages.
 */
export default function PageHeader({ title, subtitle, links, children }: { title?: string; subtitle: string; links: HeaderLink[]; children?: ReactNode }) {
  return (
    <header className="flex flex-wrap items-center gap-4 border-b border-slate-200 bg-white px-6 py-3">
      <div className="mr-auto">
        <h1 className="text-2xl font-bold tracking-tight">
          <Link href="/" className="hover:underline">
            Pod Anatomy
          </Link>
          {title ? ` — ${title}` : null}
        </h1>
        <p className="text-sm text-slate-600">{subtitle}</p>
      </div>
      {children}
      <nav data-control className="flex gap-1" aria-label="Views">
        {links.map((l) => (
          <Link
            key={l.href}
            href={l.href}
            aria-current={l.current ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${l.current ? "bg-slate-800 text-white" : "text-slate-700 hover:bg-slate-100"}`}
          >
            {l.label}
          </Link>
        ))}
      </nav>
    </header>
  );
}
