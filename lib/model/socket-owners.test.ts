import { describe, expect, it } from "vitest";
import { ownersOf, socketHolders, socketInodeOfLink } from "./socket-owners";

describe("socketInodeOfLink", () => {
  it("reads socket:[inode], and nothing else", () => {
    expect(socketInodeOfLink("socket:[135557]")).toBe(135557);
    for (const other of ["pipe:[132478]", "/dev/null", "anon_inode:[eventpoll]", "socket:[]", "socket:[12]x"]) expect(socketInodeOfLink(other)).toBeNull();
  });
});

describe("socketHolders and ownersOf", () => {
  // nginx's master and worker share the listening socket (inherited across fork); ghost holds its own.
  const fds = [
    { pid: 5029, targets: ["/dev/null", "socket:[134663]"] },
    { pid: 4980, targets: ["/dev/null", "pipe:[1]", "socket:[135557]"] },
    { pid: 4990, targets: ["socket:[135557]", "socket:[135557]", "socket:[999]"] },
    { pid: 4908, targets: ["/dev/null"] },
  ];
  const containers: Record<number, string> = { 4980: "nginx-id", 4990: "nginx-id", 5029: "ghost-id" };
  const containerOf = (pid: number) => containers[pid] ?? null;

  it("maps each socket inode to the PIDs holding it, ascending, each once", () => {
    expect([...socketHolders(fds)].sort((a, b) => a[0] - b[0])).toEqual([
      [999, [4990]],
      [134663, [5029]],
      [135557, [4980, 4990]],
    ]);
  });

  it("names the containers of those PIDs once; a socket nobody read holds has no owner", () => {
    const holders = socketHolders(fds);
    expect(ownersOf(135557, holders, containerOf)).toEqual({ pids: [4980, 4990], containerIds: ["nginx-id"] });
    expect(ownersOf(134663, holders, containerOf)).toEqual({ pids: [5029], containerIds: ["ghost-id"] });
    expect(ownersOf(42, holders, containerOf)).toEqual({ pids: [], containerIds: [] });
    expect(ownersOf(999, holders, () => null)).toEqual({ pids: [4990], containerIds: [] });
  });
});
