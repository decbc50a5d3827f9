/**
 * A panel that fills the first screen, whatever the header above it holds (its buttons wrap
 * onto one, two or three rows with the window's width): the height from the element's top,
 * as laid out with the page scrolled to the top, to the bottom of the window. Measured again
 * when the window or the page's layout changes.
 */
import { useLayoutEffect, useState } from "react";

export interface FillOptions {
  /** Left free below the panel, px. */
  margin?: number;
  /** Never less than this, px. */
  min?: number;
  /** Below this window width the page is one column and the panel keeps its own height: null. */
  minWidth?: number;
}

/** Give `ref` to the panel (a callback ref: the panel may mount later, e.g. when its tab is chosen); `height` is null until measured. */
export function useFillViewport({ margin = 24, min = 480, minWidth = 1024 }: FillOptions = {}): { ref: (el: HTMLElement | null) => void; height: number | null } {
  const [el, setEl] = useState<HTMLElement | null>(null);
  const [height, setHeight] = useState<number | null>(null);
  useLayoutEffect(() => {
    if (!el) return;
    const measure = () => {
      if (window.innerWidth < minWidth) return setHeight(null);
      const top = el.getBoundingClientRect().top + window.scrollY;
      setHeight(Math.max(min, Math.round(window.innerHeight - top - margin)));
    };
    measure();
    // The header above wraps, banners come and go: the body's size tells.
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    window.addEventListener("resize", measure);
    return () => {
      observer.disconnect();
      window.removeEventListener("resize", measure);
    };
  }, [el, margin, min, minWidth]);
  return { ref: setEl, height: el ? height : null };
}
