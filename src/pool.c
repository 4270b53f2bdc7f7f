/*
 * pool.c — a fixed pool of worker threads with a job queue and a done queue.
 *
 * The scan uses it the way esbuild's scanner uses goroutines: the owner
 * thread submits "parse this file" jobs, workers run them (each worker has
 * its own parser, found by its index), and the owner takes finished jobs
 * back one at a time to resolve their imports and submit new files.  Only
 * the owner touches the graph, so the pool needs nothing but two queues.
 * With one thread (-j1) there is no worker: jobs wait in the queue and run
 * on the owner's thread when it asks for a finished one, so -j1 is one
 * thread doing everything in turn (what a one-core container gets) and
 * the speed-up of -jN is measured against that.  The job functions are
 * the same either way.
 */
#include "mfbuild.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct Job {
    struct Job *next;
    MfJobFn fn;
    void *arg;
} Job;

typedef struct {
    Job *head, *tail;
} JobQueue;

struct MfPool {
    pthread_mutex_t mu;
    pthread_cond_t work_ready, work_done;
    JobQueue todo, done;
    uint32_t pending; /* submitted and not yet returned by wait_one */
    bool stopping;
    bool inline_jobs;  /* one thread: jobs run in mf_pool_wait_one */
    int n_threads;
    pthread_t *threads;
    struct Worker {
        MfPool *pool;
        int index;
    } *workers;
};

static void queue_push(JobQueue *q, Job *j) {
    j->next = NULL;
    if (q->tail) q->tail->next = j;
    else q->head = j;
    q->tail = j;
}

static Job *queue_pop(JobQueue *q) {
    Job *j = q->head;
    if (j) {
        q->head = j->next;
        if (!q->head) q->tail = NULL;
    }
    return j;
}

static void *worker_main(void *p) {
    struct Worker *w = p;
    MfPool *pool = w->pool;
    pthread_mutex_lock(&pool->mu);
    for (;;) {
        Job *j;
        while (!(j = queue_pop(&pool->todo)) && !pool->stopping)
            pthread_cond_wait(&pool->work_ready, &pool->mu);
        if (!j) break;
        pthread_mutex_unlock(&pool->mu);
        j->fn(j->arg, w->index);
        pthread_mutex_lock(&pool->mu);
        queue_push(&pool->done, j);
        pthread_cond_signal(&pool->work_done);
    }
    pthread_mutex_unlock(&pool->mu);
    return NULL;
}

MfPool *mf_pool_new(int threads) {
    if (threads < 1) threads = 1;
    MfPool *p = mf_xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_ready, NULL);
    pthread_cond_init(&p->work_done, NULL);
    p->threads = mf_xcalloc((size_t)threads, sizeof(pthread_t));
    p->workers = mf_xcalloc((size_t)threads, sizeof(struct Worker));
    if (threads == 1) {
        p->inline_jobs = true;
        p->n_threads = 1;
        return p;
    }
    for (int i = 0; i < threads; i++) {
        p->workers[i] = (struct Worker){p, i};
        if (pthread_create(&p->threads[i], NULL, worker_main, &p->workers[i]) != 0) break;
        p->n_threads++;
    }
    if (p->n_threads == 0) {
        /* Cannot start any thread: nothing can run; treat as fatal. */
        mf_pool_free(p);
        return NULL;
    }
    return p;
}

void mf_pool_free(MfPool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->work_ready);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; !p->inline_jobs && i < p->n_threads; i++) pthread_join(p->threads[i], NULL);
    for (Job *j; (j = queue_pop(&p->todo));) free(j);
    for (Job *j; (j = queue_pop(&p->done));) free(j);
    pthread_cond_destroy(&p->work_ready);
    pthread_cond_destroy(&p->work_done);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    free(p->workers);
    free(p);
}

int mf_pool_threads(const MfPool *p) {
    return p->n_threads;
}

void mf_pool_submit(MfPool *p, MfJobFn fn, void *arg) {
    Job *j = mf_xmalloc(sizeof *j);
    j->fn = fn;
    j->arg = arg;
    pthread_mutex_lock(&p->mu);
    queue_push(&p->todo, j);
    p->pending++;
    pthread_cond_signal(&p->work_ready);
    pthread_mutex_unlock(&p->mu);
}

void *mf_pool_wait_one(MfPool *p) {
    pthread_mutex_lock(&p->mu);
    if (p->pending == 0) {
        pthread_mutex_unlock(&p->mu);
        return NULL;
    }
    Job *j;
    if (p->inline_jobs) {
        j = queue_pop(&p->todo);
        p->pending--;
        pthread_mutex_unlock(&p->mu);
        j->fn(j->arg, 0);
        void *arg = j->arg;
        free(j);
        return arg;
    }
    while (!(j = queue_pop(&p->done))) pthread_cond_wait(&p->work_done, &p->mu);
    p->pending--;
    pthread_mutex_unlock(&p->mu);
    void *arg = j->arg;
    free(j);
    return arg;
}
