/* A fixed-capacity ring of timed samples (a graph's history): pushing into a
 * full ring drops the oldest sample. Pure; not thread-safe (the owner locks).
 * Indexes run oldest first: 0 is the oldest sample still held. */
#ifndef VIRTMIG_RING_H
#define VIRTMIG_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t time_ms;     /* monotonic time of the sample */
    double value;
} RingSample;

typedef struct _Ring Ring;

/* Returns NULL when capacity is 0 or memory runs out. */
Ring *ring_new(size_t capacity);
void ring_free(Ring *ring);                 /* accepts NULL */
void ring_clear(Ring *ring);                /* forgets every sample, keeps the capacity */

void ring_push(Ring *ring, uint64_t time_ms, double value);

size_t ring_count(const Ring *ring);        /* 0 for NULL */
size_t ring_capacity(const Ring *ring);

/* Sample `index` counted from the oldest. false when index >= count. */
bool ring_get(const Ring *ring, size_t index, RingSample *out);
bool ring_last(const Ring *ring, RingSample *out);
/* Smallest/largest value held; false when empty. */
bool ring_min(const Ring *ring, double *out);
bool ring_max(const Ring *ring, double *out);
/* Mean of the samples no older than window_ms before the newest one
 * (window_ms 0: the newest alone). false when empty. */
bool ring_window_mean(const Ring *ring, uint64_t window_ms, double *out);
/* Copies up to max samples, oldest first, into dest; returns how many. When
 * max < count the newest max samples are copied (what a graph wants). */
size_t ring_copy_out(const Ring *ring, RingSample *dest, size_t max);

#endif
