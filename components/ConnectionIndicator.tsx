/**
 * Whether the dashboard is live: the browser's event stream to this server, and the
 * server's to the Docker engine. No hooks: Dashboard passes the state in.
 */
import type { Connection, ConnectionState } from "@/lib/view/use-live-snapshot";

const LOOK: Record<ConnectionState, { label: string; dot: string; box: string }> = {
  live: { label: "Live", dot: "bg-emerald-600", box: "border-emerald-300 bg-emerald-50 text-emerald-900" },
  reconnecting: { label: "Reconnecting…", dot: "bg-amber-500", box: "border-amber-300 bg-amber-50 text-amber-900" },
  offline: { label: "Offline", dot: "bg-red-600", box: "border-red-300 bg-red-50 text-red-900" },
};

export default function ConnectionIndicator({ connection }: { connection: Connection }) {
  const look = LOOK[connection.state];
  return (
    <span
      data-testid="connection"
      data-state={connection.state}
      role="status"
      title={connection.detail}
      className={`inline-flex items-center gap-2 rounded-full border px-3 py-1 text-sm font-semibold ${look.box}`}
    >
      <span aria-hidden="true" className={`h-2.5 w-2.5 rounded-full ${look.dot}`} />
      {look.label}
      <span className="sr-only">. {connection.detail}</span>
    </span>
  );
}
