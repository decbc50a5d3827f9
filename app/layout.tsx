import type { Metadata } from "next";
import { THEME_INIT_SCRIPT } from "@/lib/view/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: "Pod Anatomy",
  description: "A pod is a pause container holding namespaces, app containers that join them, and cgroups that limit them all.",
};

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    // data-theme is set before the first paint by THEME_INIT_SCRIPT, so React must not mind it.
    <html lang="en" data-theme="light" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
