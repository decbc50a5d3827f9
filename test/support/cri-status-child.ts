/**
 * Run by test/integration/cri-faults.test.ts as another user (setpriv --reuid=65534): prints
 * the CRI adapter's status() of the socket given as argv[2], as JSON.
 */
import { CriRuntime } from "@/lib/server/runtimes/cri/adapter";

const rt = new CriRuntime({ endpoint: process.argv[2]!, readOnly: true });
rt.status()
  .then((s) => {
    process.stdout.write(JSON.stringify(s));
    rt.close();
  })
  .catch((err: unknown) => {
    process.stderr.write(String(err));
    process.exit(1);
  });
