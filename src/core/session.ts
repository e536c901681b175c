/** A signed-in connection to one tenant: the Graph door plus what the token says about the caller. */
import type { TokenClaims } from "../shared/jwt.js";
import type { Graph } from "../graph/types.js";
import type { Clock } from "../shared/clock.js";
import type { CloudName } from "./clouds.js";

export interface Session {
  graph: Graph;
  /** The tenant the token was issued for (`tid`). */
  tenantId: string;
  /** Decoded claims of the delegated token, for preflight; undefined for opaque tokens. */
  claims: TokenClaims | undefined;
  clock: Clock;
  /** True when connected to the local sandbox; outputs say so. */
  simulated: boolean;
  /** The Microsoft cloud the tenant lives in (clouds.ts); default global. */
  cloud?: CloudName | undefined;
}
