import type { ScorePlugin } from "../../plugin.js";

/** Transfer time at which a node scores 50: data that takes a second to move halves the score. */
export const LOCALITY_HALF_SEC = 1;

/**
 * Data locality: a task that reads named data (`inputs`: a parent's outputs, or the job's declared
 * `data` sources) scores each node by the estimated time to bring that data to it — latency plus
 * bytes over bandwidth from where the data lives, on measured and declared links. Same node 100;
 * a transfer of `LOCALITY_HALF_SEC` 50; ten times that ≈ 9. Weight 2, like the workflow plan.
 */
export const dataLocality: ScorePlugin = {
  name: "data-locality",
  weight: 2,
  applies: (ctx) => ctx.readsData(),
  score: (ctx, node) => {
    const sec = ctx.inputTransferSec(node);
    if (sec === undefined) return 0;
    return 100 / (1 + sec / LOCALITY_HALF_SEC);
  },
};
