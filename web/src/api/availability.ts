/**
 * Whether the database answered the last request: a tiny store the banner subscribes to. Any request
 * that fails with UNAVAILABLE sets it; the next one that succeeds clears it.
 */

type Listener = () => void;

let unavailable = false;
const listeners = new Set<Listener>();

export function setUnavailable(value: boolean): void {
  if (value === unavailable) return;
  unavailable = value;
  listeners.forEach((l) => l());
}

export function isUnavailable(): boolean {
  return unavailable;
}

export function subscribeAvailability(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
