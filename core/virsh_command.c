/* migrate_options_virsh_command(): the `virsh migrate` line an operator could
 * paste to run the same migration by hand.
 *
 * Option names are virsh 9.0's (tools/virsh-domain.c, opts_migrate), in the
 * order `virsh migrate --help` lists them, except --comp-zlib-level and
 * --comp-zstd-level which appeared in virsh 9.4 (validation refuses them on an
 * older source). Two things are not `virsh migrate` options:
 *   - max downtime: virsh sets it with `migrate-setmaxdowntime`, which libvirt
 *     accepts before the migration starts (the job then uses it), so the line
 *     starts with that command joined by `&&`;
 *   - --verbose is added so the pasted command shows progress, as virtmig does.
 * Every argument that the shell would split or interpret is single-quoted. */
#include "migrate_options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *text;
    size_t length, capacity;
    bool failed;
} Line;

static void line_append(Line *line, const char *text, size_t length)
{
    if (line->failed)
        return;
    if (line->length + length + 1 > line->capacity) {
        size_t capacity = line->capacity ? line->capacity : 256;
        while (line->length + length + 1 > capacity)
            capacity *= 2;
        char *bigger = realloc(line->text, capacity);
        if (!bigger) {
            line->failed = true;
            return;
        }
        line->text = bigger;
        line->capacity = capacity;
    }
    memcpy(line->text + line->length, text, length);
    line->length += length;
    line->text[line->length] = '\0';
}

static void line_raw(Line *line, const char *text)
{
    line_append(line, text, strlen(text));
}

/* Characters the shell never treats specially, so a word made only of them
 * needs no quotes (same set as Python's shlex.quote). */
static bool shell_safe(const char *word)
{
    if (!*word)
        return false;
    for (const char *p = word; *p; p++) {
        char c = *p;
        bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || strchr("@%+=:,./-_", c);
        if (!safe)
            return false;
    }
    return true;
}

/* Appends " word", single-quoted when needed: inside single quotes only the
 * quote itself is special, written as '\'' (close, escaped quote, reopen). */
static void line_word(Line *line, const char *word)
{
    line_raw(line, " ");
    if (shell_safe(word)) {
        line_raw(line, word);
        return;
    }
    line_raw(line, "'");
    for (const char *p = word; *p; p++) {
        if (*p == '\'')
            line_raw(line, "'\\''");
        else
            line_append(line, p, 1);
    }
    line_raw(line, "'");
}

static void line_flag(Line *line, bool on, const char *flag)
{
    if (on)
        line_word(line, flag);
}

static void line_option(Line *line, const char *option, const char *value)
{
    if (!value)
        return;
    line_word(line, option);
    line_word(line, value);
}

static void line_number(Line *line, const char *option, long long value)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", value);
    line_word(line, option);
    line_word(line, buf);
}

static void line_unsigned(Line *line, const char *option, unsigned long long value)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%llu", value);
    line_word(line, option);
    line_word(line, buf);
}

/* A domain or URI given where virsh expects a positional argument: one that
 * starts with '-' would be read as an option, so name it explicitly. */
static void line_positional(Line *line, const char *option, const char *value)
{
    if (value[0] == '-')
        line_word(line, option);
    line_word(line, value);
}

static void line_virsh(Line *line, const char *source_uri)
{
    line_raw(line, "virsh");
    if (source_uri)
        line_option(line, "-c", source_uri);
}

static void append_comp_methods(Line *line, unsigned methods)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        {COMPRESS_XBZRLE, "xbzrle"}, {COMPRESS_MT, "mt"},
        {COMPRESS_ZLIB, "zlib"}, {COMPRESS_ZSTD, "zstd"},
    };
    char list[64] = "";
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!(methods & names[i].bit))
            continue;
        if (list[0])
            strcat(list, ",");
        strcat(list, names[i].name);
    }
    if (list[0])
        line_option(line, "--comp-methods", list);
}

static void append_flags(Line *line, const MigrateOptions *o)
{
    line_flag(line, o->live, "--live");
    line_flag(line, o->offline, "--offline");
    line_flag(line, o->p2p, "--p2p");
    line_flag(line, o->direct, "--direct");
    line_flag(line, o->tunnelled, "--tunnelled");
    line_flag(line, o->persistent, "--persistent");
    line_flag(line, o->undefine_source, "--undefinesource");
    line_flag(line, o->suspend, "--suspend");
    line_flag(line, o->copy_storage_all, "--copy-storage-all");
    line_flag(line, o->copy_storage_inc, "--copy-storage-inc");
    line_flag(line, o->change_protection, "--change-protection");
    line_flag(line, o->unsafe, "--unsafe");
    line_raw(line, " --verbose");
    line_flag(line, o->compressed, "--compressed");
    line_flag(line, o->auto_converge, "--auto-converge");
    line_flag(line, o->abort_on_error, "--abort-on-error");
    line_flag(line, o->postcopy, "--postcopy");
    line_flag(line, o->zerocopy, "--zerocopy");
}

static void append_values(Line *line, const MigrateOptions *o)
{
    line_option(line, "--graphicsuri", o->graphics_uri);
    line_option(line, "--listen-address", o->listen_address);
    line_option(line, "--dname", o->dname);
    if (o->timeout_s > 0) {
        line_unsigned(line, "--timeout", o->timeout_s);
        if (o->timeout_action == TIMEOUT_ACTION_SUSPEND)
            line_raw(line, " --timeout-suspend");
        else if (o->timeout_action == TIMEOUT_ACTION_POSTCOPY)
            line_raw(line, " --timeout-postcopy");
    }
    line_option(line, "--xml", o->dest_xml_path);
    if (o->migrate_disks_count > 0) {
        Line list = {0};
        for (size_t i = 0; i < o->migrate_disks_count; i++) {
            if (i > 0)
                line_raw(&list, ",");
            line_raw(&list, o->migrate_disks[i] ? o->migrate_disks[i] : "");
        }
        if (list.failed)
            line->failed = true;
        else
            line_option(line, "--migrate-disks", list.text);
        free(list.text);
    }
    if (o->disks_port >= 0)
        line_number(line, "--disks-port", o->disks_port);
    line_option(line, "--disks-uri", o->disks_uri);
    append_comp_methods(line, o->compression_methods);
    if (o->comp_mt_level >= 0)
        line_number(line, "--comp-mt-level", o->comp_mt_level);
    if (o->comp_mt_threads >= 0)
        line_number(line, "--comp-mt-threads", o->comp_mt_threads);
    if (o->comp_mt_dthreads >= 0)
        line_number(line, "--comp-mt-dthreads", o->comp_mt_dthreads);
    if (o->comp_xbzrle_cache >= 0)
        line_number(line, "--comp-xbzrle-cache", o->comp_xbzrle_cache);
    if (o->comp_zlib_level >= 0)
        line_number(line, "--comp-zlib-level", o->comp_zlib_level);
    if (o->comp_zstd_level >= 0)
        line_number(line, "--comp-zstd-level", o->comp_zstd_level);
    if (o->auto_converge_initial >= 0)
        line_number(line, "--auto-converge-initial", o->auto_converge_initial);
    if (o->auto_converge_increment >= 0)
        line_number(line, "--auto-converge-increment", o->auto_converge_increment);
    line_option(line, "--persistent-xml", o->persistent_xml_path);
    line_flag(line, o->tls, "--tls");
    if (o->postcopy_bandwidth_mibs > 0)
        line_unsigned(line, "--postcopy-bandwidth", o->postcopy_bandwidth_mibs);
    line_flag(line, o->parallel, "--parallel");
    if (o->parallel_connections >= 0)
        line_number(line, "--parallel-connections", o->parallel_connections);
    if (o->bandwidth_mibs > 0)
        line_unsigned(line, "--bandwidth", o->bandwidth_mibs);
    line_option(line, "--tls-destination", o->tls_destination);
}

char *migrate_options_virsh_command(const MigrateOptions *options, const char *domain_name,
                                    const char *source_uri, const char *dest_uri)
{
    if (!options || !domain_name || !dest_uri)
        return NULL;
    Line line = {0};
    if (options->max_downtime_ms > 0) {
        line_virsh(&line, source_uri);
        line_word(&line, "migrate-setmaxdowntime");
        line_positional(&line, "--domain", domain_name);
        char buf[32];
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)options->max_downtime_ms);
        line_word(&line, buf);
        line_raw(&line, " && ");
    }
    line_virsh(&line, source_uri);
    line_word(&line, "migrate");
    append_flags(&line, options);
    append_values(&line, options);
    line_positional(&line, "--domain", domain_name);
    line_positional(&line, "--desturi", dest_uri);
    /* --migrateuri last: it reads as the third positional of the synopsis
     * (`migrate DOMAIN DESTURI [MIGRATEURI]`), but virsh wants its name. */
    line_option(&line, "--migrateuri", options->migrate_uri);
    if (line.failed) {
        free(line.text);
        return NULL;
    }
    return line.text;
}
