import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Pod Anatomy",
  description: "A pod is a pause container holding namespaces, app containers that join them, and cgroups that limit them all.",
};

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
