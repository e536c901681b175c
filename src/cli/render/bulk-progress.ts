/**
 * Progress of a fleet run on stderr. On a terminal, one live line (done, failed, in flight, rate,
 * ETA) redrawn a few times a second, with each failure printed above it as it happens; otherwise
 * one log line per finished tenant, so a CI log or a file shows every tenant once.
 */
import type { Logger } from "pino";
import type { BulkEvent, TenantResult } from "../../bulk/types.js";
import { printable } from "../../shared/input-text.js";
import type { CliContext } from "../context.js";
import { outcomeWords } from "./bulk.js";
import type { Style } from "./style.js";

const REDRAW_MS = 250;

export interface BulkProgress {
  onEvent(event: BulkEvent): void;
  /** Clears the live line (call before printing the result). */
  stop(): void;
}

export function bulkProgress(ctx: Pick<CliContext, "stderr" | "isInteractive">, logger: Logger, style: Style, now: () => number = Date.now): BulkProgress {
  let total = 0;
  let done = 0;
  let failed = 0;
  let inFlight = 0;
  let command = "";
  let started = now();
  let timer: NodeJS.Timeout | undefined;
  let shown = false;
  const live = ctx.isInteractive;

  const line = () => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? formatSeconds((total - done) / rate) : "?";
    return `bulk ${command}: ${done}/${total} done · ${done - failed} ok · ${failed} failed · ${inFlight} in flight · ${rate.toFixed(1)}/s · ETA ${eta}`;
  };
  const clear = () => {
    if (shown) ctx.stderr("\r\u001b[2K");
    shown = false;
  };
  const draw = () => {
    clear();
    ctx.stderr(line());
    shown = true;
  };
  const finished = (result: TenantResult) => {
    done += 1;
    if (result.status === "failed") failed += 1;
    // Names from the file and errors from the tenant: escaped, so none can forge or erase a line.
    const words = printable(`${result.tenant}${result.tenantId ? ` (${result.tenantId})` : ""}: ${outcomeWords(result)}`);
    if (live) {
      if (result.status === "failed") {
        clear();
        ctx.stderr(`${style.destroy(`✗ ${words}`)}\n`);
      }
      draw();
      return;
    }
    const fields = { tenant: result.tenant, tenantId: result.tenantId, status: result.status, durationMs: result.durationMs, done, total };
    if (result.status === "failed") logger.warn(fields, `${done}/${total} ${words}`);
    else logger.info(fields, `${done}/${total} ${words}`);
  };

  return {
    onEvent(event) {
      switch (event.type) {
        case "run-started":
          total = event.selected;
          command = event.command;
          started = now();
          if (!live) logger.info({ total: event.total, selected: event.selected, concurrency: event.concurrency }, `bulk ${event.command}: ${event.selected} of ${event.total} tenants from ${event.source}, ${event.concurrency} at a time`);
          if (live) timer = setInterval(draw, REDRAW_MS).unref();
          break;
        case "tenant-started":
          inFlight += 1;
          break;
        case "tenant-finished":
          inFlight -= 1;
          finished(event.result);
          break;
        case "tenant-progress":
          logger.debug({ tenant: event.tenant }, event.event.type === "phase" ? event.event.message : event.event.type);
          break;
        case "interrupted":
          clear();
          logger.warn({ inFlight: event.inFlight, notStarted: event.notStarted }, event.reason === "stop" ? `stopped: ${event.notStarted.length} tenants not started` : `abandoned ${event.inFlight.length} tenants in flight; ${event.notStarted.length} not started`);
          break;
        case "warning":
          clear();
          logger.warn(printable(event.message));
          break;
        case "run-finished":
          if (timer) clearInterval(timer);
          clear();
          break;
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
