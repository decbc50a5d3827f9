import { describe, expect, it } from "vitest";
import { kubeletPodNames, parsePodLogDir } from "./kubelet-pod-logs";

describe("the kubelet's /var/log/pods directories", () => {
  const UID = "6f1d4c2a-8b3e-4f5a-9c7d-0e1f2a3b4c5d";

  it("splits <namespace>_<name>_<uid>", () => {
    expect(parsePodLogDir(`kube-system_coredns-5d78c9869d-abcde_${UID}`)).toEqual({ namespace: "kube-system", name: "coredns-5d78c9869d-abcde", uid: UID });
    expect(parsePodLogDir(`default_web.v2-0_${UID}`)).toEqual({ namespace: "default", name: "web.v2-0", uid: UID });
  });

  it("refuses what is not a pod's log directory", () => {
    for (const d of ["lost+found", `default_web_${UID}_extra`, "default_web_not-a-uid", `Default_web_${UID}`, `_web_${UID}`]) expect(parsePodLogDir(d)).toBeNull();
  });

  it("names pods by uid", () => {
    const names = kubeletPodNames([`default_redis-0_${UID}`, "junk"]);
    expect([...names]).toEqual([[UID, { namespace: "default", name: "redis-0" }]]);
  });
});
