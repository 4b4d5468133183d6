/* Numbers written and read with '.' whatever LC_NUMERIC the process runs in.
 * The console calls setlocale(LC_ALL, "") to draw UTF-8, which also brings in
 * a decimal comma under e.g. de_DE; JSON requires '.', and the form parses it
 * back. Internal to core/ (json_writer.c, units.c). */
#ifndef VIRTMIG_C_LOCALE_H
#define VIRTMIG_C_LOCALE_H

#include <stddef.h>

/* snprintf in the "C" locale: same return value and truncation as snprintf. */
int c_locale_format(char *buf, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* strtod in the "C" locale; *end as strtod sets it (end may be NULL). */
double c_locale_strtod(const char *text, char **end);

#endif
