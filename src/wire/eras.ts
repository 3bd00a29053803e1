/**
 * The protocol eras this server speaks, by the name the SDK gives the era it negotiated with the client. Adding or
 * dropping an era is a folder under wire/ and one line here.
 */
import type { ProtocolEra } from '@modelcontextprotocol/server';
import type { WireEra } from './era.js';
import { legacyEra } from './legacy/index.js';
import { modernEra } from './modern/index.js';

export const ERAS: Readonly<Partial<Record<ProtocolEra, WireEra>>> = {
  modern: modernEra,
  legacy: legacyEra,
};

/** The era the SDK negotiated; one this server does not serve is a bug in how the SDK was configured. */
export function eraFor(negotiated: ProtocolEra): WireEra {
  const era = ERAS[negotiated];
  if (!era)
    throw new Error(`The ${negotiated} protocol era is not served here; the SDK should have refused it.`);
  return era;
}

/** The eras served, by the names the SDK gives them. */
export function servedEras(): ProtocolEra[] {
  return Object.keys(ERAS) as ProtocolEra[];
}
