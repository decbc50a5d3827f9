import { describe, expect, it } from "vitest";
import { containerMode, joinedRef, modeJoins, refNames, resolveContainerRef } from "./container-ref";

const ID_A = "d9c42056ba7ee05f81bfe4ad56cdeaaa60c7a3dd24c601c3922978e714d28679";
const ID_B = "d9c42056ba7e0000000000000000000000000000000000000000000000000000";
const a = { id: ID_A, name: "fable-sb" };
const b = { id: ID_B, name: ID_A.slice(0, 12) }; // a name that looks like a's short id

describe("container refs", () => {
  it("reads the ref of a container: mode, and nothing from other modes", () => {
    expect(joinedRef(containerMode("fable-sb"))).toBe("fable-sb");
    expect(joinedRef(`container:${ID_A}`)).toBe(ID_A);
    for (const mode of ["host", "private", "shareable", "", "none", "bridge"]) expect(joinedRef(mode)).toBeNull();
  });

  it("names a container by full id, name, or an id prefix of 12 or more", () => {
    expect(refNames(ID_A, a)).toBe(true);
    expect(refNames("fable-sb", a)).toBe(true);
    expect(refNames(ID_A.slice(0, 12), a)).toBe(true);
    expect(refNames(ID_A.slice(0, 11), a)).toBe(false);
    expect(refNames("fable", a)).toBe(false);
    expect(modeJoins(`container:${ID_A.slice(0, 20)}`, a)).toBe(true);
    expect(modeJoins(ID_A, a)).toBe(false); // not a container: mode
  });

  it("resolves an exact id or name before a prefix", () => {
    expect(resolveContainerRef(ID_A.slice(0, 12), [a, b])).toBe(b); // b's name is exact
    expect(resolveContainerRef(ID_A.slice(0, 13), [b, a])).toBe(a);
    expect(resolveContainerRef(ID_A.slice(0, 8), [a])).toBeUndefined();
    expect(resolveContainerRef("nobody", [a, b])).toBeUndefined();
  });
});
