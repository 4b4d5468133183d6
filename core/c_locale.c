/* "C"-locale number formatting and parsing: see c_locale.h. */
#include "c_locale.h"

#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* One private "C" locale object for the process, made on first use. It is
 * selected per call with uselocale, which is per thread, so threads that
 * format concurrently never see each other's locale. */
static locale_t c_numeric_locale;
static pthread_once_t c_numeric_once = PTHREAD_ONCE_INIT;

static void make_c_numeric_locale(void)
{
    c_numeric_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

int c_locale_format(char *buf, size_t size, const char *format, ...)
{
    pthread_once(&c_numeric_once, make_c_numeric_locale);
    /* Without the locale object (out of memory) the global locale serves. */
    locale_t previous = c_numeric_locale ? uselocale(c_numeric_locale) : (locale_t)0;
    va_list args;
    va_start(args, format);
    int length = vsnprintf(buf, size, format, args);
    va_end(args);
    if (c_numeric_locale)
        uselocale(previous);
    return length;
}

double c_locale_strtod(const char *text, char **end)
{
    pthread_once(&c_numeric_once, make_c_numeric_locale);
    return c_numeric_locale ? strtod_l(text, end, c_numeric_locale) : strtod(text, end);
}
