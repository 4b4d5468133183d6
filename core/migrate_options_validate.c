/* migrate_options_validate(): the rules libvirt 9.0's QEMU driver, virsh 9.0
 * and QEMU 7.2 apply to a migration request, checked before anything is sent,
 * each tied to the form field to mark.
 *
 * Where the rule comes from is noted beside it: libvirt-domain.c (the public
 * API), qemu_migration.c / qemu_migration_params.c (the QEMU driver),
 * virsh-domain.c (cmdMigrate), or QEMU's migrate_params_check(). A few rules are
 * virtmig's own, to keep an operator from losing a domain; they say so. */
#include "migrate_options.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_xml.h"
#include "migrate_options_rules.h"

/* QEMU's downtime-limit ceiling (MAX_MIGRATE_DOWNTIME_SECONDS = 2000 s). */
#define MAX_DOWNTIME_MS 2000000ull
/* x86 target page: QEMU refuses an xbzrle cache smaller than one page. */
#define XBZRLE_CACHE_MIN 4096ll

static void problem_vadd(ProblemList *list, OptionField field, const char *format,
                         va_list args) __attribute__((format(printf, 3, 0)));

static void problem_vadd(ProblemList *list, OptionField field, const char *format,
                         va_list args)
{
    if (list->count < list->max && list->problems) {
        OptionProblem *problem = &list->problems[list->count];
        problem->field = field;
        vsnprintf(problem->message, sizeof(problem->message), format, args);
    }
    list->count++;
}

void migrate_options_problem_add(ProblemList *list, OptionField field, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    problem_vadd(list, field, format, args);
    va_end(args);
}

/* The short name the rules below use. */
static void problem_add(ProblemList *list, OptionField field, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void problem_add(ProblemList *list, OptionField field, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    problem_vadd(list, field, format, args);
    va_end(args);
}

static bool has_text(const char *text)
{
    return text && *text;
}

/* ---- URIs and addresses --------------------------------------------- */

typedef struct {
    char scheme[16];
    char host[256];           /* without IPv6 brackets; empty if none */
    long port;                /* -1 if none */
    const char *path;         /* into the URI; "" if none */
    bool has_authority;       /* "scheme://..." */
} UriParts;

/* A small RFC 3986 split, enough to tell an operator what is missing. Returns
 * false with a reason in `why` when the text is not a URI with a scheme. */
static bool uri_split(const char *uri, UriParts *parts, char *why, size_t why_size)
{
    memset(parts, 0, sizeof(*parts));
    parts->port = -1;
    parts->path = "";
    const char *colon = strchr(uri, ':');
    size_t scheme_length = colon ? (size_t)(colon - uri) : 0;
    if (!colon || scheme_length == 0 || scheme_length >= sizeof(parts->scheme) ||
        !isalpha((unsigned char)uri[0])) {
        snprintf(why, why_size, "it has no scheme");
        return false;
    }
    for (size_t i = 0; i < scheme_length; i++) {
        unsigned char c = (unsigned char)uri[i];
        if (!isalnum(c) && c != '+' && c != '-' && c != '.') {
            snprintf(why, why_size, "its scheme contains '%c'", c);
            return false;
        }
        parts->scheme[i] = (char)tolower(c);
    }
    for (const char *p = uri; *p; p++) {
        if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
            snprintf(why, why_size, "it contains a space or control character");
            return false;
        }
    }
    const char *rest = colon + 1;
    if (strncmp(rest, "//", 2) != 0) {
        parts->path = rest;
        return true;
    }
    parts->has_authority = true;
    rest += 2;
    const char *end = rest + strcspn(rest, "/?#");
    parts->path = end;
    const char *at = memchr(rest, '@', (size_t)(end - rest));
    if (at)
        rest = at + 1;   /* user info is not ours to judge */
    const char *host_end;
    const char *port_start = NULL;
    if (*rest == '[') {
        const char *close = memchr(rest, ']', (size_t)(end - rest));
        if (!close) {
            snprintf(why, why_size, "its IPv6 address has no closing ']'");
            return false;
        }
        rest++;
        host_end = close;
        if (close + 1 < end && close[1] == ':')
            port_start = close + 2;
        else if (close + 1 != end) {
            snprintf(why, why_size, "something follows the IPv6 address other than :port");
            return false;
        }
    } else {
        const char *port_colon = memchr(rest, ':', (size_t)(end - rest));
        host_end = port_colon ? port_colon : end;
        if (port_colon)
            port_start = port_colon + 1;
    }
    size_t host_length = (size_t)(host_end - rest);
    if (host_length >= sizeof(parts->host)) {
        snprintf(why, why_size, "its host name is too long");
        return false;
    }
    memcpy(parts->host, rest, host_length);
    parts->host[host_length] = '\0';
    if (port_start) {
        long port = 0;
        const char *p = port_start;
        if (p == end) {
            snprintf(why, why_size, "a ':' is not followed by a port number");
            return false;
        }
        for (; p < end; p++) {
            if (!isdigit((unsigned char)*p) || port > 65535) {
                snprintf(why, why_size, "its port is not a number from 1 to 65535");
                return false;
            }
            port = port * 10 + (*p - '0');
        }
        if (port < 1 || port > 65535) {
            snprintf(why, why_size, "its port is not a number from 1 to 65535");
            return false;
        }
        parts->port = port;
    }
    return true;
}

static bool is_ipv4(const char *text)
{
    struct in_addr address;
    return inet_pton(AF_INET, text, &address) == 1;
}

static bool is_ipv6(const char *text)
{
    struct in6_addr address;
    return inet_pton(AF_INET6, text, &address) == 1;
}

/* A DNS host name (RFC 1123 labels): what libvirt resolves on the destination. */
static bool is_hostname(const char *text)
{
    size_t length = strlen(text);
    if (length == 0 || length > 253)
        return false;
    size_t label = 0;
    bool all_digits_and_dots = true;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '.') {
            if (label == 0 || text[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!isalnum(c) && c != '-')
            return false;
        if (c == '-' && label == 0)
            return false;
        if (!isdigit(c))
            all_digits_and_dots = false;
        if (++label > 63)
            return false;
    }
    /* "10.0.0.300" looks like a mistyped IPv4 address, not a name. */
    return text[length - 1] != '-' && !all_digits_and_dots;
}

static bool is_address(const char *text)
{
    return is_ipv4(text) || is_ipv6(text) || is_hostname(text);
}

/* ---- mode ------------------------------------------------------------ */

static void check_mode(const MigrateOptions *o, const MigrateContext *context,
                       ProblemList *list)
{
    /* virsh: VSH_EXCLUSIVE_OPTIONS("live", "offline") */
    if (o->live && o->offline)
        problem_add(list, OPT_FIELD_OFFLINE,
                    "live and offline exclude each other: offline copies only the "
                    "definition, live moves the running guest; untick one of them");
    /* libvirt-domain.c: "direct migration is not supported by the source host"
     * (QEMU has no direct mode: without p2p virsh makes a client-managed one). */
    if (o->direct && (o->p2p || o->tunnelled))
        problem_add(list, OPT_FIELD_DIRECT,
                    "direct excludes p2p and tunnelled: they are different ways to "
                    "drive the migration; untick direct");
    else if (o->direct)
        problem_add(list, OPT_FIELD_DIRECT,
                    "the QEMU driver has no direct migration: untick direct and use p2p "
                    "(or neither, to let virtmig drive both hosts)");
    /* libvirt-domain.c: "cannot perform tunnelled migration without using
     * peer2peer flag" */
    if (o->tunnelled && !o->p2p)
        problem_add(list, OPT_FIELD_TUNNELLED,
                    "tunnelled needs p2p: the data goes through the source daemon's "
                    "connection to the destination; tick p2p or untick tunnelled");
    if (o->tunnelled && o->parallel)
        problem_add(list, OPT_FIELD_PARALLEL,
                    "parallel needs QEMU's own network connections, which tunnelled "
                    "replaces with one libvirt stream; untick parallel or tunnelled");
    /* qemu_migration.c, Begin phase */
    if (o->tunnelled && o->postcopy)
        problem_add(list, OPT_FIELD_POSTCOPY,
                    "post-copy is not supported with tunnelled migration: untick "
                    "post-copy or tunnelled");
    if (o->tunnelled && (o->copy_storage_all || o->copy_storage_inc))
        problem_add(list, o->copy_storage_all ? OPT_FIELD_COPY_STORAGE_ALL
                                              : OPT_FIELD_COPY_STORAGE_INC,
                    "copying storage is not supported with tunnelled migration: untick "
                    "tunnelled (use tls to encrypt) or share the storage");
    /* qemu_migration.c, Perform phase (peer-to-peer) */
    if (o->tunnelled && has_text(o->migrate_uri))
        problem_add(list, OPT_FIELD_MIGRATE_URI,
                    "a migration URI is not supported by tunnelled migration (the data "
                    "uses libvirt's connection): clear it or untick tunnelled");
    if (o->tunnelled && has_text(o->listen_address))
        problem_add(list, OPT_FIELD_LISTEN_ADDRESS,
                    "a listen address is not supported by tunnelled migration: clear it "
                    "or untick tunnelled");
    if (o->tunnelled && o->disks_port > 0)
        problem_add(list, OPT_FIELD_DISKS_PORT,
                    "a disks port is not supported by tunnelled migration: clear it or "
                    "untick tunnelled");

    if (o->offline) {
        /* qemu_migration.c: "offline migration must be specified with the
         * persistent flag set", "... cannot handle non-shared storage",
         * "tunnelled offline migration does not make sense" */
        if (!o->persistent)
            problem_add(list, OPT_FIELD_PERSISTENT,
                        "offline migration only copies the definition, so it needs "
                        "persistent: tick persistent");
        if (o->copy_storage_all || o->copy_storage_inc)
            problem_add(list, o->copy_storage_all ? OPT_FIELD_COPY_STORAGE_ALL
                                                  : OPT_FIELD_COPY_STORAGE_INC,
                        "offline migration cannot copy storage: untick copy storage and "
                        "copy the disk images yourself, or migrate live");
        if (o->tunnelled)
            problem_add(list, OPT_FIELD_TUNNELLED,
                        "tunnelled offline migration makes no sense (no data flows): "
                        "untick tunnelled");
        if (o->max_downtime_ms > 0)
            problem_add(list, OPT_FIELD_MAX_DOWNTIME,
                        "max downtime applies to a running guest's migration, not to an "
                        "offline one: clear it");
    }
    /* qemu_migration.c: "post-copy migration is not supported with non-live or
     * paused migration" */
    if (o->postcopy && !o->live)
        problem_add(list, OPT_FIELD_POSTCOPY,
                    "post-copy needs a live migration: tick live (and untick offline) "
                    "or untick post-copy");
    if (o->postcopy && o->suspend)
        problem_add(list, OPT_FIELD_SUSPEND,
                    "post-copy cannot leave the domain paused on the destination (it "
                    "runs there to fetch its memory): untick suspend or post-copy");
    /* virtmig's own rule: with undefine-source and without persistent, the
     * domain ends up defined nowhere once it stops on the destination. */
    if (o->undefine_source && !o->persistent)
        problem_add(list, OPT_FIELD_UNDEFINE_SOURCE,
                    "undefine-source without persistent would leave no definition on "
                    "either host once the guest stops: tick persistent too");
    /* libvirt: a shut-off domain can only move with offline ("domain is not
     * running"). */
    if (context && context->domain_state_known && !context->domain_active && !o->offline)
        problem_add(list, OPT_FIELD_OFFLINE,
                    "the domain is shut off, so only its definition can move: tick "
                    "offline (and untick live), or start the domain first");
}

/* ---- storage --------------------------------------------------------- */

static void check_storage(const MigrateOptions *o, ProblemList *list)
{
    bool copy_storage = o->copy_storage_all || o->copy_storage_inc;
    /* libvirt-domain.c: VIR_EXCLUSIVE_FLAGS(NON_SHARED_DISK, NON_SHARED_INC) */
    if (o->copy_storage_all && o->copy_storage_inc)
        problem_add(list, OPT_FIELD_COPY_STORAGE_INC,
                    "copy-storage-all and copy-storage-inc exclude each other: keep "
                    "all (whole images) or inc (top layer only)");
    /* qemu_migration.c: "use of 'VIR_MIGRATE_PARAM_MIGRATE_DISKS' requires use of
     * 'VIR_MIGRATE_NON_SHARED_DISK' or 'VIR_MIGRATE_NON_SHARED_INC' flag" */
    if (o->migrate_disks_count > 0 && !copy_storage)
        problem_add(list, OPT_FIELD_MIGRATE_DISKS,
                    "choosing disks to migrate needs copy storage: tick copy-storage-all "
                    "or copy-storage-inc, or clear the disk list");
    for (size_t i = 0; i < o->migrate_disks_count; i++) {
        const char *disk = o->migrate_disks[i];
        if (!has_text(disk) || strpbrk(disk, ", \t\n/")) {
            problem_add(list, OPT_FIELD_MIGRATE_DISKS,
                        "disk %zu in the list ('%s') is not a target name: give names "
                        "like vda or sdb, without commas or spaces", i + 1, disk ? disk : "");
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (o->migrate_disks[j] && strcmp(o->migrate_disks[j], disk) == 0) {
                problem_add(list, OPT_FIELD_MIGRATE_DISKS,
                            "disk %s is listed twice: list each disk once", disk);
                break;
            }
        }
    }
    if (o->disks_port != -1) {
        if (o->disks_port < 0 || o->disks_port > 65535)
            problem_add(list, OPT_FIELD_DISKS_PORT,
                        "disks port %d is not a TCP port: give 1 to 65535 (0 lets libvirt "
                        "choose) or clear it", o->disks_port);
        else if (!copy_storage)
            problem_add(list, OPT_FIELD_DISKS_PORT,
                        "a disks port is only used when copying storage: tick "
                        "copy-storage-all or copy-storage-inc, or clear it");
    }
    if (o->disks_uri) {
        UriParts uri;
        char why[96];
        if (!copy_storage)
            problem_add(list, OPT_FIELD_DISKS_URI,
                        "a disks URI is only used when copying storage: tick "
                        "copy-storage-all or copy-storage-inc, or clear it");
        /* qemu_migration.c: "Both port and URI requested for disk migration while
         * being mutually exclusive" */
        if (o->disks_port > 0)
            problem_add(list, OPT_FIELD_DISKS_URI,
                        "disks port and disks URI exclude each other: put the port in "
                        "the URI (tcp://host:port) and clear the port");
        if (!uri_split(o->disks_uri, &uri, why, sizeof(why)))
            problem_add(list, OPT_FIELD_DISKS_URI,
                        "disks URI '%s' is not a URI (%s): write tcp://host:port or "
                        "unix:///path/to/socket", o->disks_uri, why);
        else if (strcmp(uri.scheme, "tcp") != 0 && strcmp(uri.scheme, "unix") != 0)
            problem_add(list, OPT_FIELD_DISKS_URI,
                        "disks URI scheme '%s' is not supported: libvirt takes only tcp:// "
                        "and unix://", uri.scheme);
        else if (strcmp(uri.scheme, "unix") == 0 && uri.path[0] != '/')
            problem_add(list, OPT_FIELD_DISKS_URI,
                        "disks URI '%s' has no socket path: write unix:///path/to/socket",
                        o->disks_uri);
        else if (strcmp(uri.scheme, "tcp") == 0 && !uri.host[0])
            problem_add(list, OPT_FIELD_DISKS_URI,
                        "disks URI '%s' has no host: write tcp://host:port", o->disks_uri);
    }
}

/* ---- convergence ----------------------------------------------------- */

static void check_convergence(const MigrateOptions *o, ProblemList *list)
{
    if (o->bandwidth_mibs > MIGRATE_BANDWIDTH_MAX_MIBS)
        problem_add(list, OPT_FIELD_BANDWIDTH,
                    "bandwidth %llu MiB/s is above libvirt's limit of %llu MiB/s: give a "
                    "smaller value, or clear it for no limit",
                    (unsigned long long)o->bandwidth_mibs, MIGRATE_BANDWIDTH_MAX_MIBS);
    if (o->postcopy_bandwidth_mibs > 0 && !o->postcopy)
        problem_add(list, OPT_FIELD_POSTCOPY_BANDWIDTH,
                    "a post-copy bandwidth needs post-copy: tick post-copy or clear it");
    if (o->postcopy_bandwidth_mibs > MIGRATE_BANDWIDTH_MAX_MIBS)
        problem_add(list, OPT_FIELD_POSTCOPY_BANDWIDTH,
                    "post-copy bandwidth %llu MiB/s is above libvirt's limit of %llu "
                    "MiB/s: give a smaller value",
                    (unsigned long long)o->postcopy_bandwidth_mibs,
                    MIGRATE_BANDWIDTH_MAX_MIBS);
    if (o->max_downtime_ms > MAX_DOWNTIME_MS)
        problem_add(list, OPT_FIELD_MAX_DOWNTIME,
                    "max downtime %llu ms is above QEMU's limit of 2000000 ms (2000 s): "
                    "give a smaller value, e.g. 300",
                    (unsigned long long)o->max_downtime_ms);

    /* virsh: "migrate: Unexpected timeout for offline migration" (it needs --live),
     * VSH_EXCLUSIVE_OPTIONS("timeout-suspend", "timeout-postcopy"),
     * VSH_REQUIRE_OPTION("timeout-postcopy", "postcopy") */
    if (o->timeout_s > 0 && !o->live)
        problem_add(list, OPT_FIELD_TIMEOUT,
                    "a timeout only applies to a live migration: tick live or clear "
                    "the timeout");
    if (o->timeout_s > (unsigned)INT_MAX)
        problem_add(list, OPT_FIELD_TIMEOUT,
                    "timeout %u s is too large: give at most %d seconds",
                    o->timeout_s, INT_MAX);
    if (o->timeout_s > 0 && o->timeout_action == TIMEOUT_ACTION_NONE)
        problem_add(list, OPT_FIELD_TIMEOUT_ACTION,
                    "a timeout needs an action: choose suspend (virsh's default) or "
                    "post-copy");
    if (o->timeout_s == 0 && o->timeout_action != TIMEOUT_ACTION_NONE)
        problem_add(list, OPT_FIELD_TIMEOUT,
                    "a timeout action is chosen but no timeout: give the number of "
                    "seconds, or set the action to none");
    if (o->timeout_action == TIMEOUT_ACTION_POSTCOPY && !o->postcopy)
        problem_add(list, OPT_FIELD_TIMEOUT_ACTION,
                    "switching to post-copy on timeout needs post-copy enabled at "
                    "launch: tick post-copy or choose suspend");
    if ((int)o->timeout_action < TIMEOUT_ACTION_NONE ||
        o->timeout_action > TIMEOUT_ACTION_POSTCOPY)
        problem_add(list, OPT_FIELD_TIMEOUT_ACTION,
                    "unknown timeout action %d: choose none, suspend or post-copy",
                    (int)o->timeout_action);

    /* qemu_migration_params.c: "Turn auto convergence on to tune it";
     * QEMU: cpu_throttle_initial/increment "an integer in the range of 1 to 99" */
    static const struct { OptionField field; const char *what; size_t offset; } throttles[] = {
        {OPT_FIELD_AUTO_CONVERGE_INITIAL, "auto-converge initial",
         offsetof(MigrateOptions, auto_converge_initial)},
        {OPT_FIELD_AUTO_CONVERGE_INCREMENT, "auto-converge increment",
         offsetof(MigrateOptions, auto_converge_increment)},
    };
    for (size_t i = 0; i < sizeof(throttles) / sizeof(throttles[0]); i++) {
        int value = *(const int *)((const char *)o + throttles[i].offset);
        if (value == -1)
            continue;
        if (value < 1 || value > 99)
            problem_add(list, throttles[i].field,
                        "%s %d%% is out of range: QEMU takes 1 to 99 (percent of CPU "
                        "time throttled)", throttles[i].what, value);
        else if (!o->auto_converge)
            problem_add(list, throttles[i].field,
                        "%s needs auto-converge: tick auto-converge or clear it",
                        throttles[i].what);
    }
}

/* ---- performance ----------------------------------------------------- */

/* An int field that is unset (-1) or within [min, max]; otherwise a problem. */
static bool int_in_range(ProblemList *list, OptionField field, const char *what, int value,
                         int min, int max)
{
    if (value == -1)
        return true;
    if (value >= min && value <= max)
        return true;
    problem_add(list, field, "%s %d is out of range: give %d to %d, or clear it",
                                what, value, min, max);
    return false;
}

static void check_compression(const MigrateOptions *o, ProblemList *list)
{
    const unsigned known = COMPRESS_XBZRLE | COMPRESS_MT | COMPRESS_ZLIB | COMPRESS_ZSTD;
    /* libvirt picks xbzrle when compressed names no method. */
    unsigned methods = o->compression_methods;
    if (o->compressed && methods == 0)
        methods = COMPRESS_XBZRLE;

    if (o->compression_methods & ~known)
        problem_add(list, OPT_FIELD_COMPRESSION_METHODS,
                    "unknown compression method bits 0x%x: choose among xbzrle, mt, zlib "
                    "and zstd", o->compression_methods & ~known);
    if (o->compression_methods && !o->compressed)
        problem_add(list, OPT_FIELD_COMPRESSION_METHODS,
                    "compression methods are chosen but compression is off: tick "
                    "compressed or clear the methods");
    /* qemu_migration_params.c (9.4's rules, which QEMU's multifd imposes anyway):
     * xbzrle and mt work on the main channel only, zlib and zstd on multifd. */
    if (o->parallel && o->compressed && o->compression_methods == 0)
        problem_add(list, OPT_FIELD_COMPRESSION_METHODS,
                    "parallel migration has no default compression: choose zlib or zstd "
                    "as the method, or untick compressed");
    else if (o->parallel && (methods & (COMPRESS_XBZRLE | COMPRESS_MT)))
        problem_add(list, OPT_FIELD_COMPRESSION_METHODS,
                    "xbzrle and mt compression do not work with parallel migration: use "
                    "zlib or zstd, or untick parallel");
    if (!o->parallel && (methods & (COMPRESS_ZLIB | COMPRESS_ZSTD)))
        problem_add(list, OPT_FIELD_COMPRESSION_METHODS,
                    "zlib and zstd compression only work with parallel migration: tick "
                    "parallel, or use xbzrle or mt");
    if ((methods & COMPRESS_ZLIB) && (methods & COMPRESS_ZSTD))
        problem_add(list, OPT_FIELD_COMPRESSION_METHODS,
                    "only one of zlib and zstd can compress a parallel migration: keep one");

    /* "Turn multithread compression on to tune it"; QEMU: level 0..9,
     * compress and decompress threads 1..255 */
    bool mt_tuned = o->comp_mt_level != -1 || o->comp_mt_threads != -1 ||
                    o->comp_mt_dthreads != -1;
    bool mt_ok = int_in_range(list, OPT_FIELD_COMP_MT_LEVEL, "multithread compression level",
                              o->comp_mt_level, 0, 9);
    mt_ok &= int_in_range(list, OPT_FIELD_COMP_MT_THREADS, "compression threads",
                          o->comp_mt_threads, 1, 255);
    mt_ok &= int_in_range(list, OPT_FIELD_COMP_MT_DTHREADS, "decompression threads",
                          o->comp_mt_dthreads, 1, 255);
    /* The tuning checks below read the methods as given: libvirt checks them
     * before it falls back to xbzrle for a bare "compressed". */
    unsigned named = o->compression_methods;
    if (mt_tuned && mt_ok && !(named & COMPRESS_MT))
        problem_add(list, o->comp_mt_level != -1 ? OPT_FIELD_COMP_MT_LEVEL
                          : o->comp_mt_threads != -1 ? OPT_FIELD_COMP_MT_THREADS
                                                     : OPT_FIELD_COMP_MT_DTHREADS,
                    "multithread compression settings need the mt method: tick compressed "
                    "and choose mt, or clear them");

    /* "Turn xbzrle compression on to tune it"; QEMU refuses less than a page */
    if (o->comp_xbzrle_cache != -1) {
        if (o->comp_xbzrle_cache < XBZRLE_CACHE_MIN)
            problem_add(list, OPT_FIELD_COMP_XBZRLE_CACHE,
                        "xbzrle cache of %lld bytes is too small: give at least one page "
                        "(4096 bytes), e.g. 64 MiB", o->comp_xbzrle_cache);
        else if (!(named & COMPRESS_XBZRLE))
            problem_add(list, OPT_FIELD_COMP_XBZRLE_CACHE,
                        "an xbzrle cache size needs xbzrle among the compression methods "
                        "(libvirt's default does not count): choose xbzrle or clear the size");
    }

    /* libvirt-domain.h (9.4): zlib level 0..9, zstd level 0..20 */
    if (int_in_range(list, OPT_FIELD_COMP_ZLIB_LEVEL, "zlib level", o->comp_zlib_level, 0, 9) &&
        o->comp_zlib_level != -1 && !(named & COMPRESS_ZLIB))
        problem_add(list, OPT_FIELD_COMP_ZLIB_LEVEL,
                    "a zlib level needs the zlib method: choose zlib or clear the level");
    if (int_in_range(list, OPT_FIELD_COMP_ZSTD_LEVEL, "zstd level", o->comp_zstd_level, 0,
                     20) &&
        o->comp_zstd_level != -1 && !(named & COMPRESS_ZSTD))
        problem_add(list, OPT_FIELD_COMP_ZSTD_LEVEL,
                    "a zstd level needs the zstd method: choose zstd or clear the level");
}

static void check_parallel(const MigrateOptions *o, ProblemList *list)
{
    /* "Turn parallel migration on to tune it"; QEMU: multifd-channels 1..255 */
    if (int_in_range(list, OPT_FIELD_PARALLEL_CONNECTIONS, "parallel connections",
                     o->parallel_connections, 1, 255) &&
        o->parallel_connections != -1 && !o->parallel)
        problem_add(list, OPT_FIELD_PARALLEL_CONNECTIONS,
                    "parallel connections need parallel migration: tick parallel or clear "
                    "the number");
    /* QEMU (before 10.0): "Postcopy is not yet compatible with multifd"; QEMU 7.2
     * lacks even that check and fails when the switch to post-copy happens. */
    if (o->postcopy && o->parallel)
        problem_add(list, OPT_FIELD_PARALLEL,
                    "QEMU cannot combine post-copy with parallel connections: untick "
                    "parallel or post-copy");
    /* qemu_migration.c: "zero-copy is only available for parallel migration";
     * QEMU: "Zero copy only available for non-compressed non-TLS multifd migration" */
    if (o->zerocopy && !o->parallel)
        problem_add(list, OPT_FIELD_ZEROCOPY,
                    "zero-copy only works with parallel migration: tick parallel or "
                    "untick zero-copy");
    if (o->zerocopy && o->compressed)
        problem_add(list, OPT_FIELD_ZEROCOPY,
                    "zero-copy cannot send compressed pages: untick compressed or "
                    "zero-copy");
    if (o->zerocopy && o->tls)
        problem_add(list, OPT_FIELD_ZEROCOPY,
                    "zero-copy cannot send through TLS: untick tls or zero-copy");
}

/* ---- security and addresses ------------------------------------------ */

static void check_migrate_uri(const MigrateOptions *o, ProblemList *list)
{
    UriParts uri;
    char why[96];
    if (!uri_split(o->migrate_uri, &uri, why, sizeof(why))) {
        problem_add(list, OPT_FIELD_MIGRATE_URI,
                    "migration URI '%s' is not a URI (%s): write tcp://host[:port], "
                    "rdma://host[:port] or unix:///path", o->migrate_uri, why);
        return;
    }
    bool is_unix = strcmp(uri.scheme, "unix") == 0;
    /* qemu_migration.c: "unsupported scheme %s in migration URI %s" */
    if (!is_unix && strcmp(uri.scheme, "tcp") != 0 && strcmp(uri.scheme, "rdma") != 0) {
        problem_add(list, OPT_FIELD_MIGRATE_URI,
                    "migration URI scheme '%s' is not supported by QEMU: use tcp://, "
                    "rdma:// or unix://", uri.scheme);
        return;
    }
    if (is_unix) {
        if (uri.path[0] != '/')
            problem_add(list, OPT_FIELD_MIGRATE_URI,
                        "migration URI '%s' has no socket path: write unix:///path/to/socket",
                        o->migrate_uri);
        /* "Usage of listen-address is forbidden when migration URI uses UNIX
         * transport method" */
        if (has_text(o->listen_address))
            problem_add(list, OPT_FIELD_LISTEN_ADDRESS,
                        "a listen address cannot be used with a unix:// migration URI: "
                        "clear the listen address");
        /* "NBD URI must be supplied when migration URI uses UNIX transport method" */
        if ((o->copy_storage_all || o->copy_storage_inc) && !o->disks_uri)
            problem_add(list, OPT_FIELD_DISKS_URI,
                        "copying storage over a unix:// migration URI needs a disks URI "
                        "too: give unix:///path/to/another/socket");
        /* "Explicit destination hostname is required for TLS migration over UNIX
         * socket" */
        if (o->tls && !has_text(o->tls_destination))
            problem_add(list, OPT_FIELD_TLS_DESTINATION,
                        "TLS over a unix:// migration URI needs the destination's "
                        "certificate name: fill in tls-destination");
        return;
    }
    /* "missing host in migration URI: %s" */
    if (!uri.has_authority || !uri.host[0])
        problem_add(list, OPT_FIELD_MIGRATE_URI,
                    "migration URI '%s' has no host: write %s://host[:port]",
                    o->migrate_uri, uri.scheme);
    else if (!is_address(uri.host))
        problem_add(list, OPT_FIELD_MIGRATE_URI,
                    "migration URI host '%s' is neither an IP address nor a host name: "
                    "fix the address", uri.host);
}

static void check_addresses(const MigrateOptions *o, ProblemList *list)
{
    /* virsh: VSH_REQUIRE_OPTION("tls-destination", "tls") */
    if (has_text(o->tls_destination) && !o->tls)
        problem_add(list, OPT_FIELD_TLS_DESTINATION,
                    "a TLS destination name is only used with TLS: tick tls or clear it");
    if (o->tls_destination && !has_text(o->tls_destination))
        problem_add(list, OPT_FIELD_TLS_DESTINATION,
                    "the TLS destination name is empty: give the name in the "
                    "destination's certificate, or clear the field");
    /* "NBD migration with TLS is not supported over UNIX socket" */
    if (o->tls && o->disks_uri && strncmp(o->disks_uri, "unix:", 5) == 0 &&
        (o->copy_storage_all || o->copy_storage_inc))
        problem_add(list, OPT_FIELD_DISKS_URI,
                    "libvirt cannot copy storage with TLS over a unix:// disks URI: use "
                    "tcp://host:port or untick tls");

    if (o->migrate_uri)
        check_migrate_uri(o, list);
    if (o->listen_address && !is_address(o->listen_address))
        problem_add(list, OPT_FIELD_LISTEN_ADDRESS,
                    "listen address '%s' is neither an IP address nor a host name: write "
                    "e.g. 0.0.0.0, ::, or 192.0.2.10", o->listen_address);
    if (o->graphics_uri) {
        UriParts uri;
        char why[96];
        /* libvirt-domain.h: protocol://hostname[:port]/[?parameters], spice or vnc */
        if (!uri_split(o->graphics_uri, &uri, why, sizeof(why)))
            problem_add(list, OPT_FIELD_GRAPHICS_URI,
                        "graphics URI '%s' is not a URI (%s): write spice://host[:port] "
                        "or vnc://host[:port]", o->graphics_uri, why);
        else if (strcmp(uri.scheme, "spice") != 0 && strcmp(uri.scheme, "vnc") != 0)
            problem_add(list, OPT_FIELD_GRAPHICS_URI,
                        "graphics URI scheme '%s' is not supported: use spice:// or vnc://",
                        uri.scheme);
        else if (!uri.host[0])
            problem_add(list, OPT_FIELD_GRAPHICS_URI,
                        "graphics URI '%s' has no host: write %s://host[:port]",
                        o->graphics_uri, uri.scheme);
    }
}

/* ---- names and XML files --------------------------------------------- */

static void check_dname(const MigrateOptions *o, ProblemList *list)
{
    if (!o->dname)
        return;
    /* libvirt refuses an empty name, '/' (it names files after domains) and
     * control characters such as a newline in a name. */
    if (!*o->dname) {
        problem_add(list, OPT_FIELD_DNAME,
                    "the new name is empty: type a name or clear the field to keep the "
                    "current one");
        return;
    }
    if (strchr(o->dname, '/')) {
        problem_add(list, OPT_FIELD_DNAME,
                    "the new name '%s' contains '/', which libvirt refuses in a domain "
                    "name: choose another name", o->dname);
        return;
    }
    for (const char *p = o->dname; *p; p++) {
        if (iscntrl((unsigned char)*p)) {
            problem_add(list, OPT_FIELD_DNAME,
                        "the new name contains a control character (tab, newline...): "
                        "type a name without one");
            return;
        }
    }
}

/* The file must parse as a domain and keep the domain's name and uuid. */
static void check_xml_file(const MigrateOptions *o, const MigrateContext *context,
                           OptionField field, const char *path, const char *what,
                           ProblemList *list)
{
    if (!has_text(path)) {
        problem_add(list, field,
                                    "the %s file name is empty: give a path or clear it", what);
        return;
    }
    DomainXmlInfo *info = NULL;
    char *error = NULL;
    if (domain_xml_parse_file(path, &info, &error) < 0) {
        problem_add(list, field, "%s: %s", what,
                                    error ? error : "cannot parse the file");
        free(error);
        return;
    }
    const char *name = context ? context->domain_name : NULL;
    /* libvirt: the XML keeps the original name; renaming is dname's job. With a
     * dname, launch rewrites the name, so either name is fine. */
    if (name && strcmp(info->name, name) != 0 &&
        !(has_text(o->dname) && strcmp(info->name, o->dname) == 0))
        problem_add(list, field,
                    "%s %s names the domain '%s', not '%s': keep the name in the file and "
                    "use dname to rename", what, path, info->name, name);
    if (context && has_text(context->domain_uuid) && info->uuid &&
        strcasecmp(info->uuid, context->domain_uuid) != 0)
        problem_add(list, field,
                    "%s %s has uuid %s, but the domain's is %s: a migration keeps the uuid; "
                    "fix <uuid> in the file", what, path, info->uuid, context->domain_uuid);
    domain_xml_free(info);
}

static void check_files(const MigrateOptions *o, const MigrateContext *context,
                        ProblemList *list)
{
    if (o->dest_xml_path)
        check_xml_file(o, context, OPT_FIELD_DEST_XML, o->dest_xml_path,
                       "destination XML", list);
    if (o->persistent_xml_path) {
        /* virsh: VSH_REQUIRE_OPTION("persistent-xml", "persistent") */
        if (!o->persistent)
            problem_add(list, OPT_FIELD_PERSISTENT_XML,
                        "a persistent XML is only used with persistent: tick persistent "
                        "or clear the file");
        check_xml_file(o, context, OPT_FIELD_PERSISTENT_XML, o->persistent_xml_path,
                       "persistent XML", list);
    }
}

size_t migrate_options_validate(const MigrateOptions *options, const MigrateContext *context,
                                OptionProblem *problems, size_t max)
{
    ProblemList list = {.problems = problems, .max = problems ? max : 0, .count = 0};
    if (!options) {
        problem_add(&list, OPT_FIELD_NONE, "no migration options were given");
        return list.count;
    }
    check_mode(options, context, &list);
    check_storage(options, &list);
    check_convergence(options, &list);
    check_compression(options, &list);
    check_parallel(options, &list);
    check_addresses(options, &list);
    check_dname(options, &list);
    check_files(options, context, &list);
    if (context)
        migrate_options_check_versions(options, context->source_libvirt_version, &list);
    return list.count;
}
