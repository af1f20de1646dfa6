"use client";

import { useEffect } from "react";

/**
 * Marks the document once React has hydrated the page and the router has committed:
 * `<html data-ready="true">`. Links hand clicks that come earlier to the browser (AppLink), and
 * the end-to-end stories wait for it before their first interaction, as a user's first click
 * after the page settles.
 */
export function ReadyMark() {
  useEffect(() => {
    // after this commit's remaining effects (the router's own are an ancestor's: they run later)
    const id = window.setTimeout(() => {
      document.documentElement.dataset.ready = "true";
    }, 0);
    return () => window.clearTimeout(id);
  }, []);
  return null;
}

export function isAppReady(): boolean {
  return document.documentElement.dataset.ready === "true";
}
