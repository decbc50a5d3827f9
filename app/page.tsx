import { connection } from "next/server";
import Dashboard from "@/components/Dashboard";
import { launchToken } from "@/lib/server/guard";

/** The dashboard. Rendered per request: it hands the page this launch's token. */
export default async function Home() {
  await connection();
  return <Dashboard token={launchToken()} />;
}
