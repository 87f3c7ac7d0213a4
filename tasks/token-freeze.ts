/**
 * token:freeze — the FREEZE_AGENT freezes a holder's wallet (no transfer in or out) or, with --amount,
 * part of its free units; --file wallet,amount for a batch. See tasks/lib/freezing.ts.
 */
import { freezeOperation } from "./lib/freezing";

freezeOperation(true);
