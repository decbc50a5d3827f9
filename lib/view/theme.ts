/**
 * Light/dark theme and presentation mode: two attributes on <html> that app/theme.css styles.
 *
 *   data-theme="light" | "dark"   everyday choice, kept in localStorage
 *   data-presentation             present: large type, high-contrast light theme, controls hidden
 *
 * The DOM attribute is the state; components read it with useSyncExternalStore
 * (subscribeToRoot + the readers below). THEME_INIT_SCRIPT sets data-theme before the first
 * paint, so a dark page never flashes white.
 */

export type Theme = "light" | "dark";

export const THEME_STORAGE_KEY = "pod-anatomy:theme";

export function parseTheme(value: string | null | undefined): Theme | null {
  return value === "light" || value === "dark" ? value : null;
}

/** Runs in <head> before anything paints: the stored theme, else the system's preference. */
export const THEME_INIT_SCRIPT = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t!=="light"&&t!=="dark")t=matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light";document.documentElement.dataset.theme=t}catch(e){}})()`;

const root = () => document.documentElement;

export function readTheme(): Theme {
  return parseTheme(root().dataset.theme) ?? "light";
}

export function readPresentation(): boolean {
  return root().dataset.presentation !== undefined;
}

export function setTheme(theme: Theme): void {
  root().dataset.theme = theme;
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Storage disabled (private mode, policy): the choice lasts until the page is closed.
  }
}

export function setPresentation(on: boolean): void {
  if (on) root().dataset.presentation = "";
  else delete root().dataset.presentation;
}

/** Calls `onChange` whenever data-theme or data-presentation changes on <html>. */
export function subscribeToRoot(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(root(), { attributes: true, attributeFilter: ["data-theme", "data-presentation"] });
  return () => observer.disconnect();
}
