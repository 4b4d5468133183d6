/* Graph columns from timed samples; see graph_raster.h. */
#include "graph_raster.h"

#include <math.h>
#include <stdbool.h>

void graph_resample(const uint64_t *at_ms, const double *values, size_t count,
                    uint64_t end_ms, uint64_t bucket_ms, size_t columns, uint64_t hold_ms,
                    double *out)
{
    if (columns == 0)
        return;
    if (bucket_ms == 0)
        bucket_ms = 1;
    size_t next = 0;              /* first sample not yet consumed */
    bool have_previous = false;
    uint64_t previous_at = 0;
    double previous_value = 0.0;
    uint64_t span = bucket_ms * columns;
    uint64_t start = end_ms > span ? end_ms - span : 0;
    /* Samples before the window only serve as "previous". */
    while (next < count && at_ms[next] < start) {
        have_previous = true;
        previous_at = at_ms[next];
        previous_value = values[next];
        next++;
    }
    for (size_t column = 0; column < columns; column++) {
        uint64_t slice_end = start + bucket_ms * (column + 1);
        double best = NAN;
        while (next < count && at_ms[next] < slice_end) {
            if (isnan(best) || values[next] > best)
                best = values[next];
            have_previous = true;
            previous_at = at_ms[next];
            previous_value = values[next];
            next++;
        }
        if (isnan(best) && have_previous && slice_end - previous_at <= hold_ms + bucket_ms)
            best = previous_value;
        out[column] = best;
    }
}

double graph_max(const double *values, size_t count)
{
    double max = 0.0;
    for (size_t i = 0; i < count; i++) {
        if (isfinite(values[i]) && values[i] > max)
            max = values[i];
    }
    return max;
}
