/* The hosts config file: one host per line, "NAME URI", '#' comments, blank
 * lines allowed. Pure: parses text, never opens a connection.
 *
 *   # name      libvirt URI
 *   labhost1    qemu+tcp://198.18.77.11/system
 *   prod-a      qemu+ssh://root@prod-a.example/system?keyfile=/root/.ssh/id_ed25519
 *
 * A bad line yields "FILE:LINE: what is wrong and how to fix it" and is left
 * out; the other lines still load. */
#ifndef VIRTMIG_HOSTS_CONF_H
#define VIRTMIG_HOSTS_CONF_H

#include <stddef.h>
#include "core.h"

typedef struct {
    HostSpec *hosts;      size_t host_count;     /* owned */
    char **problems;      size_t problem_count;  /* owned, "file:line: reason" */
} HostsConf;

/* Parses `text` (filename is used only in messages). Appends to *conf, so
 * several sources (file, -c, --lab) can be merged; a duplicate name is a
 * problem. Returns 0, or -1 only on allocation failure. */
int hosts_conf_parse(HostsConf *conf, const char *text, const char *filename);
/* Reads and parses a file; a missing file is not a problem (returns 0). */
int hosts_conf_load_file(HostsConf *conf, const char *path);
/* Adds one host from the command line (-c URI): the name is derived from the
 * URI's host part (or "local" for a local URI), made unique. Returns 0/-1; a
 * bad URI is recorded as a problem. */
int hosts_conf_add_uri(HostsConf *conf, const char *uri, const char *name_or_null);
/* Checks a libvirt URI's shape: scheme known, transport known, path present.
 * Returns NULL when fine, else a static message saying what is wrong. */
const char *hosts_conf_check_uri(const char *uri);
/* The URI as virtmig opens it: for an ssh transport (qemu+ssh, test+ssh...)
 * adds no_tty=1 unless the URI already sets no_tty, so ssh never prompts on
 * the console's screen. Other URIs come back unchanged. Returns a malloc'd
 * string, or NULL on allocation failure (or a NULL uri). hosts_conf_parse and
 * hosts_conf_add_uri store URIs already normalized. */
char *hosts_conf_normalize_uri(const char *uri);
void hosts_conf_clear(HostsConf *conf);

#endif
