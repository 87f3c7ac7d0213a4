/** token:unpause — the PAUSE_AGENT ends a pause of a series. See tasks/lib/pausing.ts. */
import { pauseOperation } from "./lib/pausing";

pauseOperation(false);
