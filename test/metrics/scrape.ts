/** Reading a Prometheus text exposition in tests: every sample by its name and labels. */
import { expect } from 'vitest';

export interface Scrape {
  text: string;
  /** The sample `name{labels}`, or undefined when it is not exposed. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every sample of `name`, keyed by its labels as `k=v,k=v` (sorted). */
  all(name: string): Record<string, number>;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Scrape {
  const samples = new Map<string, Record<string, number>>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`Not a Prometheus sample: ${line}`);
    const [, name, labels = '', value] = match;
    const key = labelKey(Object.fromEntries([...labels.matchAll(LABEL)].map(([, k, v]) => [k!, v!])));
    const byLabels = samples.get(name!) ?? {};
    byLabels[key] = Number(value);
    samples.set(name!, byLabels);
  }
  return {
    text,
    value: (name, labels = {}) => samples.get(name)?.[labelKey(labels)],
    all: (name) => samples.get(name) ?? {},
  };
}

/** GET the metrics at `url`, checking the status and the content type of the text format. */
export async function scrape(url: URL | string): Promise<Scrape> {
  const response = await fetch(url);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseMetrics(text);
}

/** Scrape until `done` holds (every count this process will reach is in), then return that scrape. */
export async function scrapeUntil(
  url: URL | string,
  done: (metrics: Scrape) => boolean,
  timeoutMs = 10_000,
): Promise<Scrape> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await scrape(url);
    if (done(metrics)) return metrics;
    if (Date.now() > deadline) throw new Error(`Metrics at ${url} never got there:\n${metrics.text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The sum of every sample of `name`. */
export function total(metrics: Scrape, name: string): number {
  return Object.values(metrics.all(name)).reduce((sum, value) => sum + value, 0);
}

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(',');
}
