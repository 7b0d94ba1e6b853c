/**
 * Seeded randomness and deterministic identifiers. The sandbox never uses Math.random() or the wall clock,
 * so a world file plus a seed always produces the same run.
 */

/** FNV-1a, 32 bit: turns any string into a stable seed or id fragment. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** `length` lower-case base-36 characters derived only from `text` (ids that do not depend on creation order). */
export function stableId(text: string, length: number): string {
  let out = '';
  let state = hashString(text);
  while (out.length < length) {
    state = hashString(`${state}:${text}:${out.length}`);
    out += BASE36[state % 36];
  }
  return out;
}

/** mulberry32: small, fast and good enough for simulation choices. */
export class Rng {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return probability > 0 && this.next() < probability;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
