import { describe, expect, it } from "vitest";
import { parseTheme, THEME_INIT_SCRIPT, THEME_STORAGE_KEY } from "./theme";

/** Run the <head> script against a fake page: what data-theme does it set? */
function initialTheme(stored: string | null, prefersDark: boolean): string | undefined {
  const dataset: Record<string, string> = {};
  const storage = { getItem: (key: string) => (key === THEME_STORAGE_KEY ? stored : null) };
  const run = new Function("localStorage", "matchMedia", "document", THEME_INIT_SCRIPT) as (...args: unknown[]) => void;
  run(storage, () => ({ matches: prefersDark }), { documentElement: { dataset } });
  return dataset.theme;
}

describe("theme", () => {
  it("accepts only light and dark", () => {
    expect(parseTheme("dark")).toBe("dark");
    expect(parseTheme("light")).toBe("light");
    expect(parseTheme("Dark")).toBeNull();
    expect(parseTheme(undefined)).toBeNull();
  });

  it("starts with the stored theme, else the system's preference", () => {
    expect(initialTheme("dark", false)).toBe("dark");
    expect(initialTheme("light", true)).toBe("light");
    expect(initialTheme(null, true)).toBe("dark");
    expect(initialTheme("purple", false)).toBe("light");
  });
});
