/* Fixed-capacity ring of timed samples: see ring.h. */
#include "ring.h"

#include <stdlib.h>

struct _Ring {
    size_t capacity;
    size_t count;
    size_t head;           /* where the next push goes */
    RingSample samples[];  /* capacity entries */
};

Ring *ring_new(size_t capacity)
{
    if (capacity == 0 || capacity > (SIZE_MAX - sizeof(Ring)) / sizeof(RingSample))
        return NULL;
    Ring *ring = calloc(1, sizeof(Ring) + capacity * sizeof(RingSample));
    if (!ring)
        return NULL;
    ring->capacity = capacity;
    return ring;
}

void ring_free(Ring *ring)
{
    free(ring);
}

void ring_clear(Ring *ring)
{
    if (!ring)
        return;
    ring->count = 0;
    ring->head = 0;
}

void ring_push(Ring *ring, uint64_t time_ms, double value)
{
    if (!ring)
        return;
    ring->samples[ring->head] = (RingSample){ .time_ms = time_ms, .value = value };
    ring->head = (ring->head + 1) % ring->capacity;
    if (ring->count < ring->capacity)
        ring->count++;
}

size_t ring_count(const Ring *ring)
{
    return ring ? ring->count : 0;
}

size_t ring_capacity(const Ring *ring)
{
    return ring ? ring->capacity : 0;
}

/* Storage slot of the sample `index` places after the oldest. */
static size_t slot_of(const Ring *ring, size_t index)
{
    size_t oldest = (ring->head + ring->capacity - ring->count) % ring->capacity;
    return (oldest + index) % ring->capacity;
}

bool ring_get(const Ring *ring, size_t index, RingSample *out)
{
    if (!ring || index >= ring->count)
        return false;
    *out = ring->samples[slot_of(ring, index)];
    return true;
}

bool ring_last(const Ring *ring, RingSample *out)
{
    return ring && ring->count > 0 && ring_get(ring, ring->count - 1, out);
}

bool ring_min(const Ring *ring, double *out)
{
    if (!ring || ring->count == 0)
        return false;
    double best = ring->samples[slot_of(ring, 0)].value;
    for (size_t i = 1; i < ring->count; i++) {
        double value = ring->samples[slot_of(ring, i)].value;
        if (value < best)
            best = value;
    }
    *out = best;
    return true;
}

bool ring_max(const Ring *ring, double *out)
{
    if (!ring || ring->count == 0)
        return false;
    double best = ring->samples[slot_of(ring, 0)].value;
    for (size_t i = 1; i < ring->count; i++) {
        double value = ring->samples[slot_of(ring, i)].value;
        if (value > best)
            best = value;
    }
    *out = best;
    return true;
}

bool ring_window_mean(const Ring *ring, uint64_t window_ms, double *out)
{
    RingSample newest;
    if (!ring_last(ring, &newest))
        return false;
    /* Samples arrive in time order (a monotonic clock), so walking back from
     * the newest may stop at the first one outside the window. */
    uint64_t start = newest.time_ms > window_ms ? newest.time_ms - window_ms : 0;
    double sum = 0.0;
    size_t used = 0;
    for (size_t i = ring->count; i > 0; i--) {
        const RingSample *sample = &ring->samples[slot_of(ring, i - 1)];
        if (sample->time_ms < start)
            break;
        sum += sample->value;
        used++;
    }
    *out = sum / (double)used;
    return true;
}

size_t ring_copy_out(const Ring *ring, RingSample *dest, size_t max)
{
    if (!ring || !dest)
        return 0;
    size_t copied = ring->count < max ? ring->count : max;
    size_t first = ring->count - copied;
    for (size_t i = 0; i < copied; i++)
        dest[i] = ring->samples[slot_of(ring, first + i)];
    return copied;
}
