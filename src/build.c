/*
 * build.c — one build in memory: scan -> link -> chunk -> emit, each phase
 * timed.  `mfbuild build` writes the result with mf_emit_write(); `watch`
 * and `dev` run it again on every change, with a module cache, and write
 * or serve what changed (devloop.c).  Stops after the scan when it found
 * errors (every later phase assumes an error-free graph).
 */
#include "mfbuild.h"

bool mf_build_run(MfBuild *b, const MfConfig *cfg, MfModuleCache *cache, MfLog *log) {
    double start = mf_now_ms();
    b->g = cache ? mf_scan_cached(cache, log) : mf_scan(cfg, log);
    b->ms[MF_PHASE_SCAN] = mf_now_ms() - start;
    if (log->errors) return false;
    /* After this point the graph is complete, error-free and in its stable
     * order: every later phase is a function of it and the config. */

    start = mf_now_ms();
    b->link = mf_link(b->g, cfg);
    b->ms[MF_PHASE_LINK] = mf_now_ms() - start;
    /* Module ids and every import's text are fixed. */

    start = mf_now_ms();
    if (cache) {
        /* Watch mode: an edit that changes no import leaves the graph's
         * shape, and so its chunks, as they were. */
        uint64_t shape = mf_graph_shape(b->g);
        b->chunks = mf_module_cache_chunks(cache, shape);
        if (!b->chunks) {
            b->chunks = mf_chunk(b->g, cfg);
            mf_module_cache_keep_chunks(cache, shape, b->chunks);
        }
        b->chunks_kept = true;
    } else {
        b->chunks = mf_chunk(b->g, cfg);
    }
    b->ms[MF_PHASE_CHUNK] = mf_now_ms() - start;
    /* Every module is in exactly one chunk. */

    start = mf_now_ms();
    b->em = mf_emit(b->g, cfg, b->link, b->chunks, log);
    b->ms[MF_PHASE_EMIT] = mf_now_ms() - start;
    return log->errors == 0;
}

void mf_build_free(MfBuild *b) {
    mf_emit_free(b->em);
    if (!b->chunks_kept) mf_chunks_free(b->chunks);
    mf_link_free(b->link);
    mf_graph_free(b->g);
    *b = (MfBuild){0};
}
