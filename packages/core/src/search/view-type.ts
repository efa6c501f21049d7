import { type ViewType, viewTypes } from "@edgeflow/schema";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { invalid } from "./errors";

/** The lifecycle stages a view type selects; ALL needs no condition. */
export function lifecycleCondition(column: SQLWrapper, viewType: ViewType): SQL | undefined {
  switch (viewType) {
    case "ACTIVE_ONLY":
      return sql`${column} = 'active'`;
    case "DELETED_ONLY":
      return sql`${column} = 'deleted'`;
    case "ALL":
      return undefined;
    default:
      throw invalid(`Invalid view type '${String(viewType)}'. Valid values are ${viewTypes.join(", ")}.`);
  }
}
