/* The hosts config file and -c URIs: see hosts_conf.h. */
#include "hosts_conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_lines.h"

#define HOST_NAME_MAX_LENGTH 63
#define COMMAND_LINE_SOURCE "command line"

/* ---- URI shape ------------------------------------------------------- */

typedef struct {
    const char *scheme;     size_t scheme_length;    /* "qemu+ssh" */
    const char *driver;     size_t driver_length;    /* "qemu" */
    const char *transport;  size_t transport_length; /* "ssh", or length 0 */
    const char *host;       size_t host_length;      /* without user, port, brackets */
    const char *path;       size_t path_length;      /* "/system" */
    const char *query;      size_t query_length;     /* after '?', without it */
} UriParts;

static bool span_equals(const char *span, size_t length, const char *word)
{
    return strlen(word) == length && strncmp(span, word, length) == 0;
}

static bool is_remote_transport(const UriParts *parts)
{
    static const char *const remote[] = { "tcp", "tls", "ssh", "libssh2", "libssh" };
    for (size_t i = 0; i < sizeof(remote) / sizeof(remote[0]); i++)
        if (span_equals(parts->transport, parts->transport_length, remote[i]))
            return true;
    return false;
}

/* Splits a URI into its parts and checks each; NULL when fine. */
static const char *split_uri(const char *uri, UriParts *parts)
{
    memset(parts, 0, sizeof(*parts));
    if (!uri || *uri == '\0')
        return "the URI is empty; write one such as qemu+ssh://HOST/system";
    for (const char *p = uri; *p; p++)
        if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
            return "the URI contains a space or control character; remove it "
                   "(escape a space in a parameter as %20)";

    const char *separator = strstr(uri, "://");
    if (!separator)
        return "the URI has no '://'; write it as SCHEME://[HOST]/PATH, "
               "e.g. qemu+ssh://HOST/system or qemu:///system";
    parts->scheme = uri;
    parts->scheme_length = (size_t)(separator - uri);
    parts->driver = uri;
    const char *plus = memchr(uri, '+', parts->scheme_length);
    parts->driver_length = plus ? (size_t)(plus - uri) : parts->scheme_length;
    if (plus) {
        parts->transport = plus + 1;
        parts->transport_length = (size_t)(separator - parts->transport);
    }

    bool qemu = span_equals(parts->driver, parts->driver_length, "qemu");
    bool test = span_equals(parts->driver, parts->driver_length, "test");
    if (!qemu && !test)
        return "unknown driver in the URI scheme; virtmig migrates QEMU/KVM guests: "
               "use qemu://, qemu+ssh://, qemu+tcp://, qemu+tls://, qemu+unix:// "
               "(or test:// for listing tests)";
    if (plus && !is_remote_transport(parts) &&
        !span_equals(parts->transport, parts->transport_length, "unix"))
        return "unknown transport after '+' in the URI scheme; use +ssh, +tcp, +tls, "
               "+unix, +libssh2 or +libssh";

    /* Authority: [user@]host[:port], host possibly an [IPv6] literal. */
    const char *authority = separator + 3;
    const char *authority_end = authority + strcspn(authority, "/?#");
    const char *at = NULL;
    for (const char *p = authority; p < authority_end; p++)
        if (*p == '@')
            at = p;
    const char *host = at ? at + 1 : authority;
    const char *port = NULL;
    if (host < authority_end && *host == '[') {
        const char *close = memchr(host, ']', (size_t)(authority_end - host));
        if (!close)
            return "an IPv6 address in the URI lacks its closing ']'; write it as [ADDRESS]";
        parts->host = host + 1;
        parts->host_length = (size_t)(close - host - 1);
        if (close + 1 < authority_end) {
            if (close[1] != ':')
                return "unexpected text after the IPv6 address ']'; only :PORT may follow";
            port = close + 2;
        }
    } else {
        const char *colon = memchr(host, ':', (size_t)(authority_end - host));
        parts->host = host;
        parts->host_length = (size_t)((colon ? colon : authority_end) - host);
        if (colon)
            port = colon + 1;
    }
    if (port) {
        unsigned long number = 0;
        if (port == authority_end)
            return "the port after ':' in the URI is empty; write HOST:PORT or leave ':' out";
        for (const char *p = port; p < authority_end; p++) {
            if (!isdigit((unsigned char)*p))
                return "the port in the URI is not a number; write HOST:PORT, e.g. :16509";
            number = number * 10 + (unsigned long)(*p - '0');
            if (number > 65535)
                return "the port in the URI is above 65535; use the port the daemon listens on";
        }
        if (number == 0)
            return "the port in the URI is 0; use the port the daemon listens on";
    }
    if (is_remote_transport(parts) && parts->host_length == 0)
        return "this transport reaches another machine but the URI names no host; "
               "write SCHEME://HOST/PATH (or use qemu:///system for this machine)";

    /* Path up to '?' or '#'. */
    parts->path = authority_end;
    parts->path_length = strcspn(parts->path, "?#");
    if (parts->path[parts->path_length] == '?') {
        parts->query = parts->path + parts->path_length + 1;
        parts->query_length = strcspn(parts->query, "#");
    }
    if (qemu && !span_equals(parts->path, parts->path_length, "/system") &&
        !span_equals(parts->path, parts->path_length, "/session"))
        return "a qemu URI must end in /system (the system daemon) or /session "
               "(your user's); e.g. qemu+ssh://HOST/system";
    if (test && (parts->path_length < 2 || parts->path[0] != '/'))
        return "a test URI needs a path; write test:///default or "
               "test:///ABSOLUTE/PATH/node.xml";
    if (parts->query && parts->query_length == 0)
        return "the URI ends in '?' with no parameters; remove the '?'";
    return NULL;
}

const char *hosts_conf_check_uri(const char *uri)
{
    UriParts parts;
    return split_uri(uri, &parts);
}

/* Whether a query string (without '?') sets `name`. */
static bool query_has(const char *query, size_t length, const char *name)
{
    size_t name_length = strlen(name);
    const char *end = query + length;
    for (const char *p = query; p && p < end;) {
        const char *next = memchr(p, '&', (size_t)(end - p));
        const char *item_end = next ? next : end;
        const char *equals = memchr(p, '=', (size_t)(item_end - p));
        size_t key_length = (size_t)((equals ? equals : item_end) - p);
        if (key_length == name_length && strncmp(p, name, name_length) == 0)
            return true;
        p = next ? next + 1 : NULL;
    }
    return false;
}

char *hosts_conf_normalize_uri(const char *uri)
{
    UriParts parts;
    if (!uri)
        return NULL;
    /* A URI that does not even parse is returned as written: the check
     * reports it, and we must not guess where a parameter would go. */
    if (split_uri(uri, &parts) != NULL ||
        !span_equals(parts.transport, parts.transport_length, "ssh") ||
        query_has(parts.query, parts.query_length, "no_tty"))
        return strdup(uri);

    /* Insert before a '#fragment' if any, after the query if any. */
    size_t insert_at = parts.query ? (size_t)(parts.query + parts.query_length - uri)
                                   : (size_t)(parts.path + parts.path_length - uri);
    const char *addition = parts.query ? "&no_tty=1" : "?no_tty=1";
    size_t length = strlen(uri);
    char *result = malloc(length + strlen(addition) + 1);
    if (!result)
        return NULL;
    memcpy(result, uri, insert_at);
    strcpy(result + insert_at, addition);
    strcat(result, uri + insert_at);
    return result;
}

/* ---- the collection ------------------------------------------------- */

static int add_problem(HostsConf *conf, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static int add_problem(HostsConf *conf, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int rc = text_problems_addv(&conf->problems, &conf->problem_count, format, args);
    va_end(args);
    return rc;
}

static bool name_taken(const HostsConf *conf, const char *name)
{
    for (size_t i = 0; i < conf->host_count; i++)
        if (strcmp(conf->hosts[i].name, name) == 0)
            return true;
    return false;
}

/* Takes copies of name and the normalized uri. Returns 0 or -1 (ENOMEM). */
static int add_host(HostsConf *conf, const char *name, const char *uri)
{
    HostSpec spec = { .name = strdup(name), .uri = hosts_conf_normalize_uri(uri) };
    HostSpec *grown = NULL;
    if (!spec.name || !spec.uri)
        goto failed;
    grown = realloc(conf->hosts, (conf->host_count + 1) * sizeof(*grown));
    if (!grown)
        goto failed;
    conf->hosts = grown;
    conf->hosts[conf->host_count++] = spec;
    return 0;

failed:
    free(spec.name);
    free(spec.uri);
    return -1;
}

/* NULL when the name is fine, else what is wrong and how to fix it. */
static const char *check_name(const char *name)
{
    size_t length = strlen(name);
    if (length == 0)
        return "the host name is empty";
    if (length > HOST_NAME_MAX_LENGTH)
        return "the host name is longer than 63 characters; use a shorter one";
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return "the host name may hold only letters, digits, '-', '_' and '.'; "
                   "rename it";
    return NULL;
}

typedef struct {
    HostsConf *conf;
    const char *filename;
} HostsFile;

/* One line, already without its end of line (a TextLineVisitor on a
 * HostsFile). Returns 0, or -1 on ENOMEM. */
static int parse_line(char *line, size_t number, void *context)
{
    HostsConf *conf = ((HostsFile *)context)->conf;
    const char *filename = ((HostsFile *)context)->filename;
    char *fields[3] = { NULL, NULL, NULL };
    size_t field_count = 0;
    char *p = line;

    /* Fields are separated by blanks; a '#' at the start of a field begins a
     * comment (a '#' inside a URI is left alone). */
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            break;
        if (field_count < 3)
            fields[field_count] = p;
        field_count++;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = '\0';
    }
    if (field_count == 0)
        return 0;

    const char *name = fields[0];
    const char *uri = fields[1];
    if (field_count == 1) {
        if (strstr(name, "://"))
            return add_problem(conf, "%s:%zu: '%s' has no name; write 'NAME %s'",
                               filename, number, name, name);
        return add_problem(conf, "%s:%zu: host '%s' has no URI; write '%s qemu+ssh://HOST/system'",
                           filename, number, name, name);
    }
    if (field_count > 2)
        return add_problem(conf, "%s:%zu: unexpected text '%s' after the URI; a line is "
                           "'NAME URI' (put comments after '#')", filename, number, fields[2]);
    if (strstr(name, "://") && !strstr(uri, "://"))
        return add_problem(conf, "%s:%zu: the name comes first; write '%s %s'",
                           filename, number, uri, name);
    const char *reason = check_name(name);
    if (reason)
        return add_problem(conf, "%s:%zu: '%s': %s", filename, number, name, reason);
    reason = hosts_conf_check_uri(uri);
    if (reason)
        return add_problem(conf, "%s:%zu: host '%s': %s", filename, number, name, reason);
    if (name_taken(conf, name))
        return add_problem(conf, "%s:%zu: host name '%s' is already used; give each host "
                           "its own name", filename, number, name);
    return add_host(conf, name, uri);
}

int hosts_conf_parse(HostsConf *conf, const char *text, const char *filename)
{
    if (!conf)
        return -1;
    if (!text)
        return 0;
    if (!filename)
        filename = "hosts";
    HostsFile file = { .conf = conf, .filename = filename };
    return text_lines_each(text, parse_line, &file);
}

int hosts_conf_load_file(HostsConf *conf, const char *path)
{
    if (!conf || !path)
        return -1;
    FILE *file = fopen(path, "r");
    if (!file) {
        if (errno == ENOENT)
            return 0;
        return add_problem(conf, "%s: cannot read it: %s; check its permissions",
                           path, strerror(errno));
    }
    char *text = NULL;
    size_t length = 0, capacity = 0;
    int rc = -1;
    for (;;) {
        if (capacity - length < 4096) {
            size_t grown_capacity = capacity ? capacity * 2 : 8192;
            char *grown = realloc(text, grown_capacity + 1);
            if (!grown)
                goto cleanup;
            text = grown;
            capacity = grown_capacity;
        }
        size_t got = fread(text + length, 1, capacity - length, file);
        length += got;
        if (got == 0)
            break;
    }
    if (ferror(file)) {
        rc = add_problem(conf, "%s: cannot read it: %s; check that it is a regular file",
                         path, strerror(errno));
        goto cleanup;
    }
    text[length] = '\0';
    if (strlen(text) != length) {
        rc = add_problem(conf, "%s: contains a NUL byte; it must be a text file", path);
        goto cleanup;
    }
    rc = hosts_conf_parse(conf, text, path);

cleanup:
    free(text);
    fclose(file);
    return rc;
}

/* A display name from the URI's host part: "root@prod-a.example:22" gives
 * "prod-a.example"; characters a name may not hold become '-'. */
static void derive_name(const UriParts *parts, char *name, size_t size)
{
    if (parts->host_length == 0) {
        snprintf(name, size, "local");
        return;
    }
    size_t length = parts->host_length < size - 1 ? parts->host_length : size - 1;
    for (size_t i = 0; i < length; i++) {
        char c = parts->host[i];
        name[i] = (isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.') ? c : '-';
    }
    name[length] = '\0';
}

int hosts_conf_add_uri(HostsConf *conf, const char *uri, const char *name_or_null)
{
    if (!conf)
        return -1;
    UriParts parts;
    const char *reason = split_uri(uri, &parts);
    if (reason)
        return add_problem(conf, "%s: '%s': %s", COMMAND_LINE_SOURCE, uri ? uri : "", reason);
    if (name_or_null) {
        reason = check_name(name_or_null);
        if (reason)
            return add_problem(conf, "%s: '%s': %s", COMMAND_LINE_SOURCE, name_or_null, reason);
        if (name_taken(conf, name_or_null))
            return add_problem(conf, "%s: host name '%s' is already used; choose another "
                               "name", COMMAND_LINE_SOURCE, name_or_null);
        return add_host(conf, name_or_null, uri);
    }

    char base[HOST_NAME_MAX_LENGTH - 6];   /* room for "-NNNNN" */
    char name[HOST_NAME_MAX_LENGTH + 1];
    derive_name(&parts, base, sizeof(base));
    snprintf(name, sizeof(name), "%s", base);
    for (unsigned suffix = 2; name_taken(conf, name); suffix++) {
        if (suffix > 99999)
            return add_problem(conf, "%s: '%s': too many hosts share this name; name it "
                               "yourself", COMMAND_LINE_SOURCE, uri);
        snprintf(name, sizeof(name), "%s-%u", base, suffix);
    }
    return add_host(conf, name, uri);
}

void hosts_conf_clear(HostsConf *conf)
{
    if (!conf)
        return;
    for (size_t i = 0; i < conf->host_count; i++) {
        free(conf->hosts[i].name);
        free(conf->hosts[i].uri);
    }
    free(conf->hosts);
    for (size_t i = 0; i < conf->problem_count; i++)
        free(conf->problems[i]);
    free(conf->problems);
    memset(conf, 0, sizeof(*conf));
}
