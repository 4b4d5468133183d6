/* JSON Lines: a small builder and a top-level field reader; see json_writer.h. */
#include "json_writer.h"
#include "c_locale.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

typedef struct {
    bool is_object;
    size_t count;          /* members or elements written */
    bool key_pending;      /* an object member's key is written, its value is due */
} Level;

struct _JsonWriter {
    char *text;
    size_t length, capacity;
    const char *error;     /* sticky */
    Level levels[JSON_MAX_DEPTH];
    size_t depth;
    bool top_written;      /* the one top-level value has started */
};

/* ---- buffer --------------------------------------------------------- */

static int fail(JsonWriter *writer, const char *why)
{
    if (!writer->error)
        writer->error = why;
    return -1;
}

static int append(JsonWriter *writer, const char *bytes, size_t length)
{
    if (writer->error)
        return -1;
    if (writer->capacity - writer->length < length + 1) {
        size_t capacity = writer->capacity ? writer->capacity : 256;
        while (capacity - writer->length < length + 1) {
            if (capacity > SIZE_MAX / 2)
                return fail(writer, "out of memory");
            capacity *= 2;
        }
        char *grown = realloc(writer->text, capacity);
        if (!grown)
            return fail(writer, "out of memory");
        writer->text = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->text + writer->length, bytes, length);
    writer->length += length;
    writer->text[writer->length] = '\0';
    return 0;
}

static int append_text(JsonWriter *writer, const char *text)
{
    return append(writer, text, strlen(text));
}

JsonWriter *json_writer_new(void)
{
    JsonWriter *writer = calloc(1, sizeof(*writer));
    if (writer && append(writer, "", 0) < 0) {
        free(writer);
        return NULL;
    }
    return writer;
}

void json_writer_free(JsonWriter *writer)
{
    if (!writer)
        return;
    free(writer->text);
    free(writer);
}

void json_writer_reset(JsonWriter *writer)
{
    if (!writer)
        return;
    writer->length = 0;
    if (writer->text)
        writer->text[0] = '\0';
    writer->error = NULL;
    writer->depth = 0;
    writer->top_written = false;
}

/* ---- structure ------------------------------------------------------ */

/* Places the separator a value needs here, or refuses a value here. */
static int begin_value(JsonWriter *writer)
{
    if (!writer)
        return -1;
    if (writer->error)
        return -1;
    if (writer->depth == 0) {
        if (writer->top_written)
            return fail(writer, "a second top-level value; one JSON line holds one value");
        writer->top_written = true;
        return 0;
    }
    Level *level = &writer->levels[writer->depth - 1];
    if (level->is_object) {
        if (!level->key_pending)
            return fail(writer, "a value where an object key is expected; write the key first");
        level->key_pending = false;
        level->count++;
        return 0;
    }
    return level->count++ > 0 ? append(writer, ",", 1) : 0;
}

static int open_container(JsonWriter *writer, bool is_object)
{
    if (begin_value(writer) < 0)
        return -1;
    if (writer->depth == JSON_MAX_DEPTH)
        return fail(writer, "nested more than 64 levels deep");
    writer->levels[writer->depth++] = (Level){ .is_object = is_object };
    return append(writer, is_object ? "{" : "[", 1);
}

static int close_container(JsonWriter *writer, bool is_object)
{
    if (!writer || writer->error)
        return -1;
    if (writer->depth == 0 || writer->levels[writer->depth - 1].is_object != is_object)
        return fail(writer, is_object ? "closing an object that is not open"
                                      : "closing an array that is not open");
    if (writer->levels[writer->depth - 1].key_pending)
        return fail(writer, "closing an object right after a key; write the key's value");
    writer->depth--;
    return append(writer, is_object ? "}" : "]", 1);
}

int json_writer_object_open(JsonWriter *writer) { return open_container(writer, true); }
int json_writer_object_close(JsonWriter *writer) { return close_container(writer, true); }
int json_writer_array_open(JsonWriter *writer) { return open_container(writer, false); }
int json_writer_array_close(JsonWriter *writer) { return close_container(writer, false); }

/* ---- strings -------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_sequence(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t length;
    unsigned long code;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) { length = 2; code = p[0] & 0x1f; }
    else if (p[0] >= 0xe0 && p[0] <= 0xef) { length = 3; code = p[0] & 0x0f; }
    else if (p[0] >= 0xf0 && p[0] <= 0xf4) { length = 4; code = p[0] & 0x07; }
    else return 0;
    for (size_t i = 1; i < length; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        code = (code << 6) | (p[i] & 0x3f);
    }
    if ((length == 3 && code < 0x800) || (length == 4 && code < 0x10000) ||
        (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff)
        return 0;
    return length;
}

static int append_escaped(JsonWriter *writer, const char *value)
{
    if (append(writer, "\"", 1) < 0)
        return -1;
    const unsigned char *p = (const unsigned char *)value;
    while (*p) {
        /* Copy the longest run that needs no escaping in one go. */
        const unsigned char *run = p;
        size_t length;
        while (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f &&
               (length = utf8_sequence(p)) > 0)
            p += length;
        if (p > run && append(writer, (const char *)run, (size_t)(p - run)) < 0)
            return -1;
        if (!*p)
            break;
        char escape[8];
        switch (*p) {
        case '"': snprintf(escape, sizeof(escape), "\\\""); break;
        case '\\': snprintf(escape, sizeof(escape), "\\\\"); break;
        case '\b': snprintf(escape, sizeof(escape), "\\b"); break;
        case '\f': snprintf(escape, sizeof(escape), "\\f"); break;
        case '\n': snprintf(escape, sizeof(escape), "\\n"); break;
        case '\r': snprintf(escape, sizeof(escape), "\\r"); break;
        case '\t': snprintf(escape, sizeof(escape), "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                snprintf(escape, sizeof(escape), "\\u%04x", *p);
            else   /* a byte that starts no valid UTF-8 sequence: U+FFFD */
                snprintf(escape, sizeof(escape), "\xef\xbf\xbd");
        }
        if (append_text(writer, escape) < 0)
            return -1;
        p++;
    }
    return append(writer, "\"", 1);
}

int json_writer_key(JsonWriter *writer, const char *key)
{
    if (!writer || writer->error)
        return -1;
    if (!key)
        return fail(writer, "a NULL key");
    if (writer->depth == 0 || !writer->levels[writer->depth - 1].is_object)
        return fail(writer, "a key outside an object");
    Level *level = &writer->levels[writer->depth - 1];
    if (level->key_pending)
        return fail(writer, "a key right after a key; write the first key's value");
    if (level->count > 0 && append(writer, ",", 1) < 0)
        return -1;
    level->key_pending = true;
    if (append_escaped(writer, key) < 0)
        return -1;
    return append(writer, ":", 1);
}

int json_writer_string(JsonWriter *writer, const char *value)
{
    if (!value)
        return json_writer_null(writer);
    if (begin_value(writer) < 0)
        return -1;
    return append_escaped(writer, value);
}

/* ---- scalars -------------------------------------------------------- */

int json_writer_int(JsonWriter *writer, int64_t value)
{
    char number[32];
    if (begin_value(writer) < 0)
        return -1;
    snprintf(number, sizeof(number), "%lld", (long long)value);
    return append_text(writer, number);
}

int json_writer_uint(JsonWriter *writer, uint64_t value)
{
    char number[32];
    if (begin_value(writer) < 0)
        return -1;
    snprintf(number, sizeof(number), "%llu", (unsigned long long)value);
    return append_text(writer, number);
}

int json_writer_double(JsonWriter *writer, double value)
{
    if (!isfinite(value))
        return json_writer_null(writer);
    if (begin_value(writer) < 0)
        return -1;
    /* The shortest of %.15g and %.17g that reads back as the same double, so
     * 0.1 stays "0.1". */
    char number[40];
    c_locale_format(number, sizeof(number), "%.15g", value);
    if (c_locale_strtod(number, NULL) != value)
        c_locale_format(number, sizeof(number), "%.17g", value);
    return append_text(writer, number);
}

int json_writer_bool(JsonWriter *writer, bool value)
{
    if (begin_value(writer) < 0)
        return -1;
    return append_text(writer, value ? "true" : "false");
}

int json_writer_null(JsonWriter *writer)
{
    if (begin_value(writer) < 0)
        return -1;
    return append_text(writer, "null");
}

const char *json_writer_text(const JsonWriter *writer)
{
    return writer && !writer->error ? writer->text : NULL;
}

size_t json_writer_length(const JsonWriter *writer)
{
    return writer && !writer->error ? writer->length : 0;
}

bool json_writer_complete(const JsonWriter *writer)
{
    return writer && !writer->error && writer->top_written && writer->depth == 0;
}

const char *json_writer_error(const JsonWriter *writer)
{
    return writer ? writer->error : NULL;
}

/* ---- reading one JSON Lines record ---------------------------------- */

/* A strict recursive-descent scan of one object. It validates the whole line
 * (so a malformed record is reported as such even when the wanted key comes
 * first) and remembers where the first member named `key` has its value. */
typedef struct {
    const char *p;
    const char *key;
    const char *found;     /* value of the first member named key */
} Scan;

static void skip_space(Scan *scan)
{
    while (*scan->p == ' ' || *scan->p == '\t' || *scan->p == '\n' || *scan->p == '\r')
        scan->p++;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool read_hex4(const char *p, unsigned *out)
{
    unsigned value = 0;
    for (int i = 0; i < 4; i++) {
        int digit = hex_value(p[i]);
        if (digit < 0)
            return false;
        value = value * 16 + (unsigned)digit;
    }
    *out = value;
    return true;
}

static size_t encode_utf8(unsigned long code, char *out)
{
    if (code < 0x80) { out[0] = (char)code; return 1; }
    if (code < 0x800) {
        out[0] = (char)(0xc0 | (code >> 6));
        out[1] = (char)(0x80 | (code & 0x3f));
        return 2;
    }
    if (code < 0x10000) {
        out[0] = (char)(0xe0 | (code >> 12));
        out[1] = (char)(0x80 | ((code >> 6) & 0x3f));
        out[2] = (char)(0x80 | (code & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (code >> 18));
    out[1] = (char)(0x80 | ((code >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((code >> 6) & 0x3f));
    out[3] = (char)(0x80 | (code & 0x3f));
    return 4;
}

/* Reads the string at p (at its opening quote). With out non-NULL, decodes it
 * into *out (malloc'd), invalid UTF-8 bytes becoming U+FFFD as the writer
 * does, so what is read can be written back unchanged.
 * Returns the position after the closing quote, or NULL when malformed (or
 * out of memory, with *out left NULL and errno ENOMEM). */
static const char *read_string(const char *p, char **out)
{
    if (*p != '"')
        return NULL;
    const char *start = ++p;
    char *decoded = NULL, *w = NULL;
    if (out) {
        /* At most 3 bytes out per byte in (a bad byte becomes U+FFFD). */
        decoded = malloc(3 * strlen(start) + 1);
        if (!decoded) {
            errno = ENOMEM;
            return NULL;
        }
        w = decoded;
    }
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c < 0x20)             /* raw control characters (and the end) are invalid */
            goto malformed;
        if (c != '\\') {
            size_t length = utf8_sequence((const unsigned char *)p);
            if (w && length == 0) {
                memcpy(w, "\xef\xbf\xbd", 3);
                w += 3;
            } else if (w) {
                memcpy(w, p, length);
                w += length;
            }
            p += length ? length : 1;
            continue;
        }
        char buf[4];
        size_t length = 1;
        switch (p[1]) {
        case '"': buf[0] = '"'; break;
        case '\\': buf[0] = '\\'; break;
        case '/': buf[0] = '/'; break;
        case 'b': buf[0] = '\b'; break;
        case 'f': buf[0] = '\f'; break;
        case 'n': buf[0] = '\n'; break;
        case 'r': buf[0] = '\r'; break;
        case 't': buf[0] = '\t'; break;
        case 'u': {
            unsigned unit, low;
            if (!read_hex4(p + 2, &unit))
                goto malformed;
            unsigned long code = unit;
            p += 4;        /* with the "p += 2" below: past the four digits */
            if (unit >= 0xd800 && unit <= 0xdbff && p[2] == '\\' && p[3] == 'u' &&
                read_hex4(p + 4, &low) && low >= 0xdc00 && low <= 0xdfff) {
                code = 0x10000 + (((unsigned long)unit - 0xd800) << 10) + (low - 0xdc00);
                p += 6;
            } else if (unit >= 0xd800 && unit <= 0xdfff) {
                code = 0xfffd;    /* a lone surrogate is not a character */
            }
            /* \u0000 would end the C string early: replace it as well. */
            length = encode_utf8(code == 0 ? 0xfffd : code, buf);
            break;
        }
        default:
            goto malformed;
        }
        if (w) {
            memcpy(w, buf, length);
            w += length;
        }
        p += 2;
    }
    if (w) {
        *w = '\0';
        *out = decoded;
    }
    return p + 1;

malformed:
    free(decoded);
    errno = EINVAL;
    return NULL;
}

/* JSON number grammar; sets *integer when it has no fraction or exponent. */
static const char *read_number(const char *p, bool *integer)
{
    *integer = true;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    if (*p == '.') {
        *integer = false;
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        *integer = false;
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return p;
}

static bool scan_value(Scan *scan, size_t depth);

static bool scan_members(Scan *scan, size_t depth, bool top)
{
    scan->p++;                                   /* '{' */
    skip_space(scan);
    if (*scan->p == '}') {
        scan->p++;
        return true;
    }
    for (;;) {
        skip_space(scan);
        bool matches = false;
        if (top) {
            char *name = NULL;
            scan->p = read_string(scan->p, &name);
            if (!scan->p)
                return false;
            matches = strcmp(name, scan->key) == 0;
            free(name);
        } else {
            scan->p = read_string(scan->p, NULL);
            if (!scan->p)
                return false;
        }
        skip_space(scan);
        if (*scan->p != ':')
            return false;
        scan->p++;
        skip_space(scan);
        if (matches && !scan->found)
            scan->found = scan->p;
        if (!scan_value(scan, depth + 1))
            return false;
        skip_space(scan);
        if (*scan->p == '}') {
            scan->p++;
            return true;
        }
        if (*scan->p != ',')
            return false;
        scan->p++;
    }
}

static bool scan_value(Scan *scan, size_t depth)
{
    if (depth > JSON_MAX_DEPTH)
        return false;
    skip_space(scan);
    switch (*scan->p) {
    case '{':
        return scan_members(scan, depth, false);
    case '[':
        scan->p++;
        skip_space(scan);
        if (*scan->p == ']') {
            scan->p++;
            return true;
        }
        for (;;) {
            if (!scan_value(scan, depth + 1))
                return false;
            skip_space(scan);
            if (*scan->p == ']') {
                scan->p++;
                return true;
            }
            if (*scan->p != ',')
                return false;
            scan->p++;
        }
    case '"':
        scan->p = read_string(scan->p, NULL);
        return scan->p != NULL;
    case 't':
        if (strncmp(scan->p, "true", 4) != 0) return false;
        scan->p += 4;
        return true;
    case 'f':
        if (strncmp(scan->p, "false", 5) != 0) return false;
        scan->p += 5;
        return true;
    case 'n':
        if (strncmp(scan->p, "null", 4) != 0) return false;
        scan->p += 4;
        return true;
    default: {
        bool integer;
        scan->p = read_number(scan->p, &integer);
        return scan->p != NULL;
    }
    }
}

/* Validates the line; returns -1 (malformed, or ENOMEM), else 0 with *value
 * pointing at the key's value or NULL when absent. */
static int find_member(const char *line, const char *key, const char **value)
{
    *value = NULL;
    if (!line || !key)
        return -1;
    Scan scan = { .p = line, .key = key };
    skip_space(&scan);
    if (*scan.p != '{')
        return -1;
    errno = 0;
    if (!scan_members(&scan, 1, true))
        return -1;
    skip_space(&scan);
    if (*scan.p != '\0')
        return -1;     /* one record per line: nothing may follow the object */
    *value = scan.found;
    return 0;
}

int json_line_get_string(const char *line, const char *key, char **out)
{
    const char *value;
    if (find_member(line, key, &value) < 0)
        return -1;
    if (!value || *value != '"')
        return 0;
    return read_string(value, out) ? 1 : -1;
}

int json_line_get_number(const char *line, const char *key, double *out)
{
    const char *value;
    bool integer;
    if (find_member(line, key, &value) < 0)
        return -1;
    if (!value || !read_number(value, &integer))
        return 0;
    *out = c_locale_strtod(value, NULL);
    return 1;
}

int json_line_get_int(const char *line, const char *key, int64_t *out)
{
    const char *value;
    bool integer;
    if (find_member(line, key, &value) < 0)
        return -1;
    if (!value || !read_number(value, &integer) || !integer)
        return 0;
    errno = 0;
    long long number = strtoll(value, NULL, 10);
    if (errno == ERANGE)
        return 0;      /* a whole number, but not one that fits */
    *out = number;
    return 1;
}

int json_line_get_bool(const char *line, const char *key, bool *out)
{
    const char *value;
    if (find_member(line, key, &value) < 0)
        return -1;
    if (!value)
        return 0;
    if (strncmp(value, "true", 4) == 0) {
        *out = true;
        return 1;
    }
    if (strncmp(value, "false", 5) == 0) {
        *out = false;
        return 1;
    }
    return 0;
}
