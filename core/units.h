/* Human units for sizes, rates, durations and percentages, both ways.
 *
 * Pure. Formatting writes into a caller's buffer (UNITS_BUF bytes are always
 * enough) and returns that buffer, so calls can sit inside a printf. Sizes are
 * binary and spelled as virsh spells them ("KiB", "MiB", "GiB").
 *
 * Parsing reads what an operator types in a form: "50", "50M", "1.5G",
 * "300ms", "2s". On a bad input it returns -1 and writes one message saying
 * what is wrong and how to write it; it never wraps around on overflow. */
#ifndef VIRTMIG_UNITS_H
#define VIRTMIG_UNITS_H

#include <stddef.h>
#include <stdint.h>

#define UNITS_BUF 32

#define UNITS_KIB 1024ull
#define UNITS_MIB (1024ull * 1024ull)
#define UNITS_GIB (1024ull * 1024ull * 1024ull)

/* Three significant digits: "0 B", "512 B", "1.50 KiB", "12.3 MiB", "512 MiB", "2.00 GiB". */
char *units_format_bytes(char *buf, size_t size, uint64_t bytes);
/* bytes/s as "812 KiB/s", "50.0 MiB/s", "1.20 GiB/s"; negative or NaN gives "?". */
char *units_format_rate(char *buf, size_t size, double bytes_per_second);
/* Dirty pages/s times the page size, in bytes/s (what units_format_rate takes). */
double units_pages_to_bytes_per_second(uint64_t pages_per_second, uint64_t page_size);
/* A dirty-page rate as bytes/s ("49.2 MiB/s"); page_size 0 is taken as 4 KiB. */
char *units_format_page_rate(char *buf, size_t size, uint64_t pages_per_second,
                             uint64_t page_size);
/* "0 ms", "850 ms", "1.2 s", "42 s", "3 min 04 s", "1 h 02 min" (never rounded up). */
char *units_format_duration_ms(char *buf, size_t size, uint64_t ms);
/* part of whole as "0%", "7%", "42.5%", "100%", floored to tenths so 100% means
 * all of it; whole 0 gives "?". Capped at 100%. */
char *units_format_percent(char *buf, size_t size, uint64_t part, uint64_t whole);

/* Parses a size: a decimal number (fraction allowed) with an optional binary
 * suffix B, K/KiB, M/MiB, G/GiB, T/TiB (case-insensitive; KB/MB/GB are taken
 * as binary too, like virsh; a trailing "/s" is allowed for rates). A bare
 * number counts `bare_unit` bytes (1 for a byte field, UNITS_MIB for a MiB/s
 * field). The result is in `result_unit` bytes and must be a whole number of
 * them (a bad unit_size argument, 0, is refused with a message too).
 * Returns 0 and *out, or -1 with a message in error[error_size]. */
int units_parse_size(const char *text, uint64_t bare_unit, uint64_t result_unit,
                     uint64_t *out, char *error, size_t error_size);

/* Parses a duration: a number with an optional suffix ms, s/sec, m/min, h
 * (case-insensitive). A bare number counts `bare_unit_ms` milliseconds (1 for
 * a ms field, 1000 for a seconds field). The result is in `result_unit_ms`
 * milliseconds and must be whole. Returns 0 and *out, or -1 and a message. */
int units_parse_duration(const char *text, uint64_t bare_unit_ms, uint64_t result_unit_ms,
                         uint64_t *out, char *error, size_t error_size);

#endif
