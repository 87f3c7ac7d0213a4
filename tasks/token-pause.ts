/** token:pause — the PAUSE_AGENT stops every holder transfer of a series. See tasks/lib/pausing.ts. */
import { pauseOperation } from "./lib/pausing";

pauseOperation(true);
