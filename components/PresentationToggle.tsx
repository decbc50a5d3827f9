"use client";

/**
 * Presentation mode (large type, high-contrast light theme, controls hidden, legend shown;
 * Escape, or the button that appears in the bottom-right corner, leaves it) and the everyday
 * light/dark switch. The state lives on <html>
 * (lib/view/theme.ts); this only reads and flips it.
 */
import { useEffect, useSyncExternalStore } from "react";
import { readPresentation, readTheme, setPresentation, setTheme, subscribeToRoot } from "@/lib/view/theme";

const BUTTON =
  "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600";

export default function PresentationToggle() {
  const theme = useSyncExternalStore(subscribeToRoot, readTheme, () => "light" as const);
  const presenting = useSyncExternalStore(subscribeToRoot, readPresentation, () => false);

  useEffect(() => {
    if (!presenting) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setPresentation(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [presenting]);

  return (
    <div className="flex items-center gap-2">
      <button type="button" data-control aria-pressed={theme === "dark"} onClick={() => setTheme(theme === "dark" ? "light" : "dark")} className={BUTTON}>
        Dark theme
      </button>
      <button
        type="button"
        data-testid="presentation-toggle"
        aria-pressed={presenting}
        onClick={() => setPresentation(!presenting)}
        title={presenting ? "Leave presentation mode (Esc)" : "Large type, high-contrast light theme, controls hidden"}
        // Presenting, it waits unseen in the bottom-right corner (Esc works too): it shows when the
        // pointer comes near or the keyboard reaches it, and stays out of the picture otherwise.
        className={
          presenting
            ? "fixed right-0 bottom-0 z-40 m-0 rounded-tl-md border border-slate-400 bg-white px-4 py-3 text-sm font-semibold text-slate-800 opacity-0 shadow-md hover:opacity-100 focus-visible:opacity-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
            : BUTTON
        }
      >
        {presenting ? "Exit presentation (Esc)" : "Present"}
      </button>
    </div>
  );
}
