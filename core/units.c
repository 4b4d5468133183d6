/* Human units: see units.h. */
#include "units.h"
#include "c_locale.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const binary_prefixes[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
#define BINARY_PREFIX_COUNT (sizeof(binary_prefixes) / sizeof(binary_prefixes[0]))

/* Three significant digits: 1.50, 12.3, 512. Precision depends on the size of
 * the number, and a value that rounds up to 1024 moves to the next prefix so
 * we never print "1024 KiB". */
static char *format_binary(char *buf, size_t size, double value, const char *unit)
{
    size_t prefix = 0;
    if (value < 1024.0) {
        c_locale_format(buf, size, "%.0f %s", floor(value), unit);
        return buf;
    }
    while (value >= 1024.0 && prefix + 1 < BINARY_PREFIX_COUNT) {
        value /= 1024.0;
        prefix++;
    }
    for (;;) {
        int decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
        char number[24];
        c_locale_format(number, sizeof(number), "%.*f", decimals, value);
        if (c_locale_strtod(number, NULL) >= 1024.0 && prefix + 1 < BINARY_PREFIX_COUNT) {
            value /= 1024.0;
            prefix++;
            continue;
        }
        snprintf(buf, size, "%s %s%s", number, binary_prefixes[prefix], unit);
        return buf;
    }
}

char *units_format_bytes(char *buf, size_t size, uint64_t bytes)
{
    if (bytes < 1024) {
        snprintf(buf, size, "%llu B", (unsigned long long)bytes);
        return buf;
    }
    return format_binary(buf, size, (double)bytes, "B");
}

char *units_format_rate(char *buf, size_t size, double bytes_per_second)
{
    if (!(bytes_per_second >= 0.0) || isinf(bytes_per_second)) {
        snprintf(buf, size, "?");
        return buf;
    }
    return format_binary(buf, size, bytes_per_second, "B/s");
}

double units_pages_to_bytes_per_second(uint64_t pages_per_second, uint64_t page_size)
{
    return (double)pages_per_second * (double)page_size;
}

char *units_format_page_rate(char *buf, size_t size, uint64_t pages_per_second,
                             uint64_t page_size)
{
    return units_format_rate(buf, size, units_pages_to_bytes_per_second(
                                            pages_per_second, page_size ? page_size : 4096));
}

char *units_format_duration_ms(char *buf, size_t size, uint64_t ms)
{
    unsigned long long total_s = ms / 1000;
    if (ms < 1000)
        snprintf(buf, size, "%llu ms", (unsigned long long)ms);
    else if (ms < 10000)
        snprintf(buf, size, "%llu.%llu s", total_s, (unsigned long long)(ms % 1000) / 100);
    else if (total_s < 60)
        snprintf(buf, size, "%llu s", total_s);
    else if (total_s < 3600)
        snprintf(buf, size, "%llu min %02llu s", total_s / 60, total_s % 60);
    else
        snprintf(buf, size, "%llu h %02llu min", total_s / 3600, (total_s % 3600) / 60);
    return buf;
}

char *units_format_percent(char *buf, size_t size, uint64_t part, uint64_t whole)
{
    if (whole == 0) {
        snprintf(buf, size, "?");
        return buf;
    }
    if (part >= whole) {
        snprintf(buf, size, "100%%");
        return buf;
    }
    /* Tenths of a percent, floored: 99.96% must not print as 100%. long double
     * keeps 64-bit byte counts exact enough for this. */
    unsigned long long tenths =
        (unsigned long long)floorl((long double)part * 1000.0L / (long double)whole);
    if (tenths > 999)
        tenths = 999;
    if (tenths % 10 == 0)
        snprintf(buf, size, "%llu%%", tenths / 10);
    else
        snprintf(buf, size, "%llu.%llu%%", tenths / 10, tenths % 10);
    return buf;
}

/* ---- parsing --------------------------------------------------------- */

/* A parsed decimal: value = mantissa / 10^decimals, exactly. */
typedef struct {
    uint64_t mantissa;
    uint64_t scale;        /* 10^decimals */
    const char *suffix;    /* first character after the number and its spaces */
} Decimal;

typedef struct {
    const char *name;      /* lower case */
    uint64_t multiplier;
} UnitName;

#define MAX_DECIMALS 9

static void set_error(char *error, size_t error_size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *error, size_t error_size, const char *format, ...)
{
    if (!error || error_size == 0)
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(error, error_size, format, args);
    va_end(args);
}

/* Reads "12", "1.5", ".5", "3." with no sign and no exponent. Returns 0, or -1
 * with a message naming `example` as the way to write it. */
static int parse_decimal(const char *text, Decimal *out, const char *example,
                         char *error, size_t error_size)
{
    const char *p = text;
    bool digits = false;
    unsigned decimals = 0;
    out->mantissa = 0;
    out->scale = 1;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0') {
        set_error(error, error_size, "no value given; write a number such as %s", example);
        return -1;
    }
    if (*p == '-') {
        set_error(error, error_size, "'%s' is negative; write a positive number such as %s",
                  text, example);
        return -1;
    }
    if (*p == '+')
        p++;
    for (; isdigit((unsigned char)*p); p++) {
        digits = true;
        if (__builtin_mul_overflow(out->mantissa, 10, &out->mantissa) ||
            __builtin_add_overflow(out->mantissa, (uint64_t)(*p - '0'), &out->mantissa))
            goto too_large;
    }
    if (*p == '.' || *p == ',') {
        if (*p == ',') {
            set_error(error, error_size, "'%s': use '.' for a fraction, e.g. %s", text, example);
            return -1;
        }
        for (p++; isdigit((unsigned char)*p); p++) {
            digits = true;
            if (++decimals > MAX_DECIMALS) {
                set_error(error, error_size, "'%s' has too many decimals; %d at most",
                          text, MAX_DECIMALS);
                return -1;
            }
            if (__builtin_mul_overflow(out->mantissa, 10, &out->mantissa) ||
                __builtin_add_overflow(out->mantissa, (uint64_t)(*p - '0'), &out->mantissa))
                goto too_large;
            out->scale *= 10;
        }
    }
    if (!digits) {
        set_error(error, error_size, "'%s' is not a number; write a number such as %s",
                  text, example);
        return -1;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    out->suffix = p;
    return 0;

too_large:
    set_error(error, error_size, "'%s' is too large", text);
    return -1;
}

/* Case-insensitive match of the suffix (trailing spaces ignored) in a table. */
static bool find_unit(const char *suffix, const UnitName *units, size_t count,
                      uint64_t *multiplier)
{
    size_t length = strlen(suffix);
    while (length > 0 && (suffix[length - 1] == ' ' || suffix[length - 1] == '\t'))
        length--;
    for (size_t i = 0; i < count; i++) {
        if (strlen(units[i].name) == length && strncasecmp(units[i].name, suffix, length) == 0) {
            *multiplier = units[i].multiplier;
            return true;
        }
    }
    return false;
}

/* The unit a parsed value is expressed in, and how to say it in a message. */
typedef struct {
    uint64_t unit;               /* in the smallest unit (bytes, ms) */
    const char *name;            /* "MiB", "seconds"; NULL: "units of N <base>" */
    const char *base;            /* "bytes", "ms" */
    const char *example_exact;   /* a value that fits, or NULL: "<fallback> <name>" */
    const char *example_fallback;
} ResultUnit;

/* value = mantissa * multiplier / scale, then expressed in result->unit. Both
 * divisions must be exact: we refuse to round an operator's number silently. */
static int scale_exactly(const char *text, const Decimal *number, uint64_t multiplier,
                         const ResultUnit *result, uint64_t *out,
                         char *error, size_t error_size)
{
    /* In 128 bits: mantissa (< 2^64) times a multiplier (< 2^42), and scale
     * (<= 10^9) times a unit (< 2^42), both fit. */
    unsigned __int128 numerator = (unsigned __int128)number->mantissa * multiplier;
    unsigned __int128 denominator = (unsigned __int128)number->scale * result->unit;
    if (numerator % denominator != 0) {
        char name[40];
        if (result->name)
            snprintf(name, sizeof(name), "%s", result->name);
        else
            snprintf(name, sizeof(name), "units of %llu %s",
                     (unsigned long long)result->unit, result->base);
        char example[80];
        if (result->example_exact)
            snprintf(example, sizeof(example), "%s", result->example_exact);
        else
            snprintf(example, sizeof(example), "%s %s", result->example_fallback, name);
        set_error(error, error_size, "'%s' is not a whole number of %s; write e.g. %s",
                  text, name, example);
        return -1;
    }
    unsigned __int128 value = numerator / denominator;
    if (value > UINT64_MAX) {
        set_error(error, error_size, "'%s' is too large", text);
        return -1;
    }
    *out = (uint64_t)value;
    return 0;
}

static const char *size_unit_name(uint64_t unit)
{
    switch (unit) {
    case 1: return "bytes";
    case UNITS_KIB: return "KiB";
    case UNITS_MIB: return "MiB";
    case UNITS_GIB: return "GiB";
    default: return NULL;
    }
}

int units_parse_size(const char *text, uint64_t bare_unit, uint64_t result_unit,
                     uint64_t *out, char *error, size_t error_size)
{
    static const UnitName units[] = {
        { "b", 1 },
        { "k", UNITS_KIB }, { "kb", UNITS_KIB }, { "kib", UNITS_KIB },
        { "m", UNITS_MIB }, { "mb", UNITS_MIB }, { "mib", UNITS_MIB },
        { "g", UNITS_GIB }, { "gb", UNITS_GIB }, { "gib", UNITS_GIB },
        { "t", UNITS_GIB * 1024 }, { "tb", UNITS_GIB * 1024 }, { "tib", UNITS_GIB * 1024 },
    };
    const char *example = "50, 50M or 1.5G";
    Decimal number;
    uint64_t multiplier = bare_unit;
    char suffix[16];

    if (bare_unit == 0 || result_unit == 0) {
        set_error(error, error_size, "internal error: size unit 0");
        return -1;
    }
    if (!text) {
        set_error(error, error_size, "no value given; write a number such as %s", example);
        return -1;
    }
    if (parse_decimal(text, &number, example, error, error_size) < 0)
        return -1;

    /* Drop a rate's "/s" (or "ps"), so "50MiB/s" reads as 50 MiB. */
    snprintf(suffix, sizeof(suffix), "%s", number.suffix);
    size_t length = strlen(suffix);
    while (length > 0 && (suffix[length - 1] == ' ' || suffix[length - 1] == '\t'))
        suffix[--length] = '\0';
    if (length >= 2 && strcasecmp(suffix + length - 2, "/s") == 0)
        suffix[length - 2] = '\0';

    if (strlen(number.suffix) >= sizeof(suffix) - 1 ||
        (suffix[0] != '\0' && !find_unit(suffix, units, sizeof(units) / sizeof(units[0]),
                                         &multiplier))) {
        set_error(error, error_size,
                  "'%s' has an unknown unit '%s'; use B, K, M, G or T (binary: 1K = 1024 bytes), "
                  "e.g. %s", text, number.suffix, example);
        return -1;
    }

    const char *example_exact = result_unit == 1 ? "'4096' or '64M'"
                              : result_unit == UNITS_MIB ? "'1M' or '1.5G'" : NULL;
    ResultUnit result = { result_unit, size_unit_name(result_unit), "bytes", example_exact,
                          "a multiple of" };
    return scale_exactly(text, &number, multiplier, &result, out, error, error_size);
}

static const char *duration_unit_name(uint64_t unit_ms)
{
    switch (unit_ms) {
    case 1: return "milliseconds";
    case 1000: return "seconds";
    case 60000: return "minutes";
    case 3600000: return "hours";
    default: return NULL;
    }
}

int units_parse_duration(const char *text, uint64_t bare_unit_ms, uint64_t result_unit_ms,
                         uint64_t *out, char *error, size_t error_size)
{
    static const UnitName units[] = {
        { "ms", 1 }, { "msec", 1 }, { "millisecond", 1 }, { "milliseconds", 1 },
        { "s", 1000 }, { "sec", 1000 }, { "secs", 1000 }, { "second", 1000 },
        { "seconds", 1000 },
        { "m", 60000 }, { "min", 60000 }, { "mins", 60000 }, { "minute", 60000 },
        { "minutes", 60000 },
        { "h", 3600000 }, { "hr", 3600000 }, { "hour", 3600000 }, { "hours", 3600000 },
    };
    const char *example = "300ms, 2s or 1.5min";
    Decimal number;
    uint64_t multiplier = bare_unit_ms;

    if (bare_unit_ms == 0 || result_unit_ms == 0) {
        set_error(error, error_size, "internal error: duration unit 0");
        return -1;
    }
    if (!text) {
        set_error(error, error_size, "no value given; write a duration such as %s", example);
        return -1;
    }
    if (parse_decimal(text, &number, example, error, error_size) < 0)
        return -1;
    if (*number.suffix != '\0' &&
        !find_unit(number.suffix, units, sizeof(units) / sizeof(units[0]), &multiplier)) {
        set_error(error, error_size,
                  "'%s' has an unknown unit '%s'; use ms, s, min or h, e.g. %s",
                  text, number.suffix, example);
        return -1;
    }

    const char *example_exact = result_unit_ms == 1000 ? "'2s' or '90'"
                              : result_unit_ms == 1 ? "'300ms' or '1.5s'" : NULL;
    ResultUnit result = { result_unit_ms, duration_unit_name(result_unit_ms), "ms",
                          example_exact, "a whole number of" };
    return scale_exactly(text, &number, multiplier, &result, out, error, error_size);
}
