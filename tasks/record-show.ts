import { z } from "zod";
import { operation } from "./lib/cli";

operation({
  name: "record:show",
  description: "Shows this network's deployment record: contracts, accounts by role, series and investors",
  params: {},
  schema: z.object({}),
  sends: false,
  async run(_args, ctx) {
    const store = await ctx.store();
    const { record } = store;
    return {
      title: `Deployment record of ${record.network} (chain id ${record.chainId})${store.file ? `: ${store.file}` : ""}`,
      summary: {
        ...Object.fromEntries(Object.entries(record.contracts)),
        ...Object.fromEntries(Object.entries(record.accounts).map(([label, address]) => [`account ${label}`, address])),
        investors: Object.keys(record.investors).length,
      },
      rows: Object.entries(record.series).map(([symbol, s]) => ({
        symbol,
        kind: s.kind,
        isin: s.isin ?? "",
        token: s.token,
        compliance: s.compliance,
      })),
    };
  },
});
