/**
 * token:unfreeze — the FREEZE_AGENT unfreezes a holder's wallet or, with --amount, part of its frozen
 * units; --file wallet,amount for a batch. See tasks/lib/freezing.ts.
 */
import { freezeOperation } from "./lib/freezing";

freezeOperation(false);
