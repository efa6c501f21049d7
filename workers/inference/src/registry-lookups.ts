import { ExpiringCache } from "@edgeflow/adapters";
import {
  ALIAS_TTL_MS,
  type AliasRoute,
  type RegistryLookups,
  type ResolvedVersion,
  type ServedIdentity,
  type ServingTags,
} from "@edgeflow/core";

/**
 * This isolate's memo of registry lookups (alias targets, version rows, logged models), each
 * entry reused for ALIAS_TTL_MS: a warm request needs no D1 round trip.
 */
const memos = {
  aliases: new ExpiringCache<AliasRoute>(ALIAS_TTL_MS),
  versions: new ExpiringCache<ResolvedVersion>(ALIAS_TTL_MS),
  servingTags: new ExpiringCache<ServingTags>(ALIAS_TTL_MS),
  loggedModels: new ExpiringCache<ServedIdentity>(ALIAS_TTL_MS),
};

export const registryLookups: RegistryLookups = memos;

/** Forgets every memoised lookup (tests, and an isolate that wants a moved alias at once). */
export function clearAliasCache(): void {
  for (const memo of Object.values(memos)) memo.clear();
}
