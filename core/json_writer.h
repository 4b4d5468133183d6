/* A tiny JSON builder for the journal's JSON Lines, and a reader of one
 * top-level field of such a line (for `virtmig journal`).
 *
 * Writer: values go into a growable buffer; commas and the key/value colon
 * are placed for you. Errors are sticky: after a misuse (a value where a key
 * is due, closing the wrong bracket) or an allocation failure every call
 * returns -1 and json_writer_text() returns NULL, so a caller may check only
 * the last call. Strings are escaped fully: quotes, backslash, every control
 * character; invalid UTF-8 bytes become U+FFFD.
 *
 *   JsonWriter *w = json_writer_new();
 *   json_writer_object_open(w);
 *   json_writer_key(w, "event"); json_writer_string(w, "abort");
 *   json_writer_key(w, "id");    json_writer_uint(w, 3);
 *   if (json_writer_object_close(w) == 0) fputs(json_writer_text(w), f);
 *   json_writer_free(w); */
#ifndef VIRTMIG_JSON_WRITER_H
#define VIRTMIG_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _JsonWriter JsonWriter;

JsonWriter *json_writer_new(void);          /* NULL on allocation failure */
void json_writer_free(JsonWriter *writer);  /* accepts NULL */
void json_writer_reset(JsonWriter *writer); /* empty again, error cleared */

int json_writer_object_open(JsonWriter *writer);
int json_writer_object_close(JsonWriter *writer);
int json_writer_array_open(JsonWriter *writer);
int json_writer_array_close(JsonWriter *writer);
int json_writer_key(JsonWriter *writer, const char *key);
int json_writer_string(JsonWriter *writer, const char *value);   /* NULL writes null */
int json_writer_int(JsonWriter *writer, int64_t value);
int json_writer_uint(JsonWriter *writer, uint64_t value);
int json_writer_double(JsonWriter *writer, double value);        /* NaN/inf write null */
int json_writer_bool(JsonWriter *writer, bool value);
int json_writer_null(JsonWriter *writer);

/* The text so far (NUL-terminated), or NULL after an error. */
const char *json_writer_text(const JsonWriter *writer);
size_t json_writer_length(const JsonWriter *writer);
/* true once every opened object/array is closed and one value was written. */
bool json_writer_complete(const JsonWriter *writer);
/* Why the writer failed ("key expected..."), or NULL. */
const char *json_writer_error(const JsonWriter *writer);

/* Reading one JSON Lines record: `line` holds one JSON object. These look up a
 * key among the object's top-level members (nested values are skipped).
 * Return 1 when found with the right type, 0 when absent or of another type,
 * -1 when the line is not a well-formed JSON object (or on ENOMEM). */
int json_line_get_string(const char *line, const char *key, char **out);  /* malloc'd */
int json_line_get_number(const char *line, const char *key, double *out);
int json_line_get_int(const char *line, const char *key, int64_t *out);   /* whole numbers only */
int json_line_get_bool(const char *line, const char *key, bool *out);

#endif
