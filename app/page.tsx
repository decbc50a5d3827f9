import { connection } from "next/server";
import Dashboard from "@/components/Dashboard";
import { launchToken } from "@/lib/server/guard";

/** The dashboard. Rendered per request: it hands the page this launch's token. */
export default async function Home() {
  await connection();
  const token = launchToken();
  return (
    <>
      <meta name="pod-anatomy-token" content={token} />
      <Dashboard token={token} />
    </>
  );
}
