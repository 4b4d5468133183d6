/* Turning timed samples into graph columns. Pure, unit-tested: graph.c only
 * maps the result to braille dots or ASCII marks.
 *
 * Samples arrive irregularly (dirty-rate measurements every second or so, job
 * statistics every 500 ms, gaps when a host is slow), so a graph is drawn
 * against time, not against sample number: every column covers a fixed slice
 * of time ending at `end_ms`. */
#ifndef VIRTMIG_TUI_GRAPH_RASTER_H
#define VIRTMIG_TUI_GRAPH_RASTER_H

#include <stddef.h>
#include <stdint.h>

/* Fills out[0..columns) (oldest first; out[columns-1] ends at end_ms) with the
 * largest sample in each bucket_ms slice. A slice without a sample repeats the
 * previous sample when that one is at most hold_ms older than the slice's
 * end (measurements are sparser than columns); else it is NAN (no data). */
void graph_resample(const uint64_t *at_ms, const double *values, size_t count,
                    uint64_t end_ms, uint64_t bucket_ms, size_t columns, uint64_t hold_ms,
                    double *out);

/* Largest finite value in values[0..count), or 0. */
double graph_max(const double *values, size_t count);

#endif
