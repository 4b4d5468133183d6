/* migrate_options_validate: one table row per rule, each asserting the exact
 * field marked and a piece of the message (what is wrong and how to fix it).
 * Valid combinations, defaults and copy/clear: test_migrate_options_combos.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "migrate_options.h"
#include "support/migrate_options_fixtures.h"

/* ---- table of rules ------------------------------------------------------ */

typedef struct {
    const char *name;
    Mutate mutate;
    OptionField field;
    const char *message_part;
} RuleRow;

/* mode */
static void live_offline(MigrateOptions *o, MigrateContext *c) { (void)c; o->offline = true; }
static void direct_p2p(MigrateOptions *o, MigrateContext *c) { (void)c; o->direct = true; }
static void direct_alone(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->p2p = false; o->direct = true; }
static void tunnelled_no_p2p(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->p2p = false; o->tunnelled = true; }
static void tunnelled_parallel(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tunnelled = true; o->parallel = true; }
static void tunnelled_postcopy(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tunnelled = true; o->postcopy = true; }
static void tunnelled_copy_all(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tunnelled = true; o->copy_storage_all = true; }
static void tunnelled_copy_inc(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tunnelled = true; o->copy_storage_inc = true; }
static void tunnelled_migrate_uri(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tunnelled = true; set(&o->migrate_uri, "tcp://10.0.0.2"); }
static void tunnelled_listen(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tunnelled = true; set(&o->listen_address, "0.0.0.0"); }
static void tunnelled_disks_port(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tunnelled = true; o->disks_port = 49153; }
static void offline_not_persistent(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->live = false; o->offline = true; o->persistent = false; }
static void offline_copy_storage(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->live = false; o->offline = true; o->copy_storage_all = true; }
static void offline_tunnelled(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->live = false; o->offline = true; o->tunnelled = true; }
static void offline_downtime(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->live = false; o->offline = true; o->max_downtime_ms = 500; }
static void postcopy_not_live(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->live = false; o->postcopy = true; }
static void postcopy_offline(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->live = false; o->offline = true; o->postcopy = true; }
static void postcopy_suspend(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->postcopy = true; o->suspend = true; }
static void undefine_not_persistent(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->undefine_source = true; o->persistent = false; }
static void shut_off_not_offline(MigrateOptions *o, MigrateContext *c)
{ (void)o; c->domain_state_known = true; c->domain_active = false; }

/* storage */
static void copy_all_and_inc(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_all = true; o->copy_storage_inc = true; }
static void disks_without_copy(MigrateOptions *o, MigrateContext *c)
{ (void)c; set_disks(o, "vda", NULL); }
static void disks_bad_name(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_all = true; set_disks(o, "vda,vdb", NULL); }
static void disks_twice(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_all = true; set_disks(o, "vda", "vda"); }
static void disks_port_range(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_all = true; o->disks_port = 70000; }
static void disks_port_without_copy(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->disks_port = 49153; }
static void disks_uri_without_copy(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->disks_uri, "tcp://10.0.0.2:49153"); }
static void disks_uri_and_port(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_all = true; o->disks_port = 49153; set(&o->disks_uri, "tcp://h:1"); }
static void disks_uri_scheme(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_all = true; set(&o->disks_uri, "rdma://10.0.0.2"); }
static void disks_uri_not_uri(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_all = true; set(&o->disks_uri, "10.0.0.2"); }
static void disks_uri_unix_no_path(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_all = true; set(&o->disks_uri, "unix://"); }
static void disks_uri_tcp_no_host(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_all = true; set(&o->disks_uri, "tcp:///x"); }

/* convergence */
static void bandwidth_too_big(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->bandwidth_mibs = MIGRATE_BANDWIDTH_MAX_MIBS + 1; }
static void postcopy_bw_without_postcopy(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->postcopy_bandwidth_mibs = 100; }
static void postcopy_bw_too_big(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->postcopy = true; o->postcopy_bandwidth_mibs = MIGRATE_BANDWIDTH_MAX_MIBS + 1; }
static void downtime_too_big(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->max_downtime_ms = 2000001; }
static void timeout_not_live(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->live = false; o->timeout_s = 30; o->timeout_action = TIMEOUT_ACTION_SUSPEND; }
static void timeout_without_action(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->timeout_s = 30; }
static void action_without_timeout(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->timeout_action = TIMEOUT_ACTION_SUSPEND; }
static void timeout_postcopy_needs_postcopy(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->timeout_s = 30; o->timeout_action = TIMEOUT_ACTION_POSTCOPY; }
static void timeout_too_big(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->timeout_s = 3000000000u; o->timeout_action = TIMEOUT_ACTION_SUSPEND; }
static void ac_initial_without_ac(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->auto_converge_initial = 20; }
static void ac_increment_without_ac(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->auto_converge_increment = 10; }
static void ac_initial_range(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->auto_converge = true; o->auto_converge_initial = 100; }
static void ac_increment_range(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->auto_converge = true; o->auto_converge_increment = 0; }

/* compression */
static void methods_without_compressed(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compression_methods = COMPRESS_MT; }
static void methods_unknown_bits(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compressed = true; o->compression_methods = 1u << 7; }
static void mt_level_range(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compressed = true; o->compression_methods = COMPRESS_MT; o->comp_mt_level = 10; }
static void mt_threads_range(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compressed = true; o->compression_methods = COMPRESS_MT; o->comp_mt_threads = 0; }
static void mt_dthreads_range(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compressed = true; o->compression_methods = COMPRESS_MT; o->comp_mt_dthreads = 256; }
static void mt_level_without_mt(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compressed = true; o->comp_mt_level = 5; }
static void mt_threads_without_mt(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->comp_mt_threads = 4; }
static void xbzrle_cache_small(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compressed = true; o->comp_xbzrle_cache = 0; }
static void xbzrle_cache_without_xbzrle(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compressed = true; o->compression_methods = COMPRESS_MT; o->comp_xbzrle_cache = 1 << 26; }
static void xbzrle_cache_default_method(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compressed = true; o->comp_xbzrle_cache = 1 << 26; }
static void zlib_without_parallel(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compressed = true; o->compression_methods = COMPRESS_ZLIB; }
static void mt_with_parallel(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->compressed = true; o->compression_methods = COMPRESS_MT; }
static void parallel_compressed_default(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->compressed = true; }
static void zlib_and_zstd(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->compressed = true; o->compression_methods = COMPRESS_ZLIB | COMPRESS_ZSTD; }
static void zlib_level_range(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->compressed = true; o->compression_methods = COMPRESS_ZLIB; o->comp_zlib_level = 10; }
static void zstd_level_range(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->compressed = true; o->compression_methods = COMPRESS_ZSTD; o->comp_zstd_level = 21; }
static void zlib_level_without_zlib(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->compressed = true; o->compression_methods = COMPRESS_ZSTD; o->comp_zlib_level = 3; }
static void zstd_level_without_zstd(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->compressed = true; o->compression_methods = COMPRESS_ZLIB; o->comp_zstd_level = 3; }

/* parallel */
static void connections_without_parallel(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel_connections = 4; }
static void connections_range(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->parallel_connections = 256; }
static void connections_zero(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->parallel_connections = 0; }
static void parallel_postcopy(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->postcopy = true; }
static void zerocopy_without_parallel(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->zerocopy = true; }
static void zerocopy_compressed(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->zerocopy = true; o->compressed = true; o->compression_methods = COMPRESS_ZSTD; }
static void zerocopy_tls(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->parallel = true; o->zerocopy = true; o->tls = true; }

/* security and addresses */
static void tls_destination_without_tls(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->tls_destination, "dest.example.com"); }
static void tls_destination_empty(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tls = true; set(&o->tls_destination, ""); }
static void tls_unix_disks_uri(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tls = true; o->copy_storage_all = true; set(&o->disks_uri, "unix:///run/disks.sock"); }
static void migrate_uri_no_scheme(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "10.0.0.2"); }
static void migrate_uri_bad_scheme(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "http://10.0.0.2"); }
static void migrate_uri_no_host(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "tcp:10.0.0.2"); }
static void migrate_uri_bad_port(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "tcp://10.0.0.2:99999"); }
static void migrate_uri_bad_host(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "tcp://bad_host!:49152"); }
static void migrate_uri_space(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "tcp://10.0.0.2 :49152"); }
static void migrate_uri_unix_no_path(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "unix:"); }
static void migrate_uri_unix_listen(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "unix:///run/mig.sock"); set(&o->listen_address, "0.0.0.0"); }
static void migrate_uri_unix_copy_storage(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "unix:///run/mig.sock"); o->copy_storage_all = true; }
static void migrate_uri_unix_tls(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "unix:///run/mig.sock"); o->tls = true; }
static void listen_address_bad(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->listen_address, "10.0.0.300"); }
static void listen_address_spaces(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->listen_address, "my host"); }
static void graphics_uri_scheme(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->graphics_uri, "rdp://10.0.0.2"); }
static void graphics_uri_no_host(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->graphics_uri, "spice://:5900"); }
static void graphics_uri_not_uri(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->graphics_uri, "10.0.0.2:5900"); }

/* names and files */
static void dname_empty(MigrateOptions *o, MigrateContext *c) { (void)c; set(&o->dname, ""); }
static void dname_slash(MigrateOptions *o, MigrateContext *c) { (void)c; set(&o->dname, "a/b"); }
static void dname_newline(MigrateOptions *o, MigrateContext *c) { (void)c; set(&o->dname, "a\nb"); }
static void xml_missing(MigrateOptions *o, MigrateContext *c) { (void)c; set(&o->dest_xml_path, missing_xml); }
static void xml_malformed(MigrateOptions *o, MigrateContext *c) { (void)c; set(&o->dest_xml_path, malformed_xml); }
static void xml_not_domain(MigrateOptions *o, MigrateContext *c) { (void)c; set(&o->dest_xml_path, network_xml); }
static void xml_other_name(MigrateOptions *o, MigrateContext *c) { (void)c; set(&o->dest_xml_path, other_name_xml); }
static void xml_other_uuid(MigrateOptions *o, MigrateContext *c) { (void)c; set(&o->dest_xml_path, other_uuid_xml); }
static void xml_empty_path(MigrateOptions *o, MigrateContext *c) { (void)c; set(&o->dest_xml_path, ""); }
static void xml_renamed_without_dname(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->dest_xml_path, renamed_xml); }
static void persistent_xml_without_persistent(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->persistent = false; set(&o->persistent_xml_path, good_xml); }
static void persistent_xml_missing(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->persistent_xml_path, missing_xml); }

/* version gating */
static void zerocopy_on_8_0(MigrateOptions *o, MigrateContext *c)
{ c->source_libvirt_version = V(8, 0, 0); o->parallel = true; o->zerocopy = true; }
static void zstd_on_9_0(MigrateOptions *o, MigrateContext *c)
{ c->source_libvirt_version = V(9, 0, 0); o->parallel = true; o->compressed = true; o->compression_methods = COMPRESS_ZSTD; }
static void zlib_level_on_9_0(MigrateOptions *o, MigrateContext *c)
{ c->source_libvirt_version = V(9, 0, 0); o->parallel = true; o->compressed = true; o->compression_methods = COMPRESS_ZLIB; o->comp_zlib_level = 5; }
static void parallel_on_5_1(MigrateOptions *o, MigrateContext *c)
{ c->source_libvirt_version = V(5, 1, 0); o->parallel = true; }
static void postcopy_bw_on_5_0(MigrateOptions *o, MigrateContext *c)
{ c->source_libvirt_version = V(5, 0, 0); o->postcopy = true; o->postcopy_bandwidth_mibs = 50; }
static void tls_destination_on_5_10(MigrateOptions *o, MigrateContext *c)
{ c->source_libvirt_version = V(5, 10, 0); o->tls = true; set(&o->tls_destination, "d"); }
static void disks_uri_on_6_7(MigrateOptions *o, MigrateContext *c)
{ c->source_libvirt_version = V(6, 7, 0); o->copy_storage_all = true; set(&o->disks_uri, "tcp://h:1"); }

static const RuleRow rules[] = {
    {"live and offline", live_offline, OPT_FIELD_OFFLINE, "live and offline exclude each other"},
    {"direct with p2p", direct_p2p, OPT_FIELD_DIRECT, "direct excludes p2p and tunnelled"},
    {"direct alone", direct_alone, OPT_FIELD_DIRECT, "QEMU driver has no direct migration"},
    {"tunnelled without p2p", tunnelled_no_p2p, OPT_FIELD_TUNNELLED, "tunnelled needs p2p"},
    {"tunnelled parallel", tunnelled_parallel, OPT_FIELD_PARALLEL, "untick parallel or tunnelled"},
    {"tunnelled postcopy", tunnelled_postcopy, OPT_FIELD_POSTCOPY,
     "post-copy is not supported with tunnelled migration"},
    {"tunnelled copy all", tunnelled_copy_all, OPT_FIELD_COPY_STORAGE_ALL,
     "copying storage is not supported with tunnelled"},
    {"tunnelled copy inc", tunnelled_copy_inc, OPT_FIELD_COPY_STORAGE_INC,
     "copying storage is not supported with tunnelled"},
    {"tunnelled migrate uri", tunnelled_migrate_uri, OPT_FIELD_MIGRATE_URI,
     "a migration URI is not supported by tunnelled migration"},
    {"tunnelled listen address", tunnelled_listen, OPT_FIELD_LISTEN_ADDRESS,
     "a listen address is not supported by tunnelled migration"},
    {"tunnelled disks port", tunnelled_disks_port, OPT_FIELD_DISKS_PORT,
     "a disks port is not supported by tunnelled migration"},
    {"offline needs persistent", offline_not_persistent, OPT_FIELD_PERSISTENT,
     "it needs persistent: tick persistent"},
    {"offline copy storage", offline_copy_storage, OPT_FIELD_COPY_STORAGE_ALL,
     "offline migration cannot copy storage"},
    {"offline tunnelled", offline_tunnelled, OPT_FIELD_TUNNELLED,
     "tunnelled offline migration makes no sense"},
    {"offline max downtime", offline_downtime, OPT_FIELD_MAX_DOWNTIME,
     "not to an offline one"},
    {"postcopy not live", postcopy_not_live, OPT_FIELD_POSTCOPY,
     "post-copy needs a live migration"},
    {"postcopy offline", postcopy_offline, OPT_FIELD_POSTCOPY,
     "post-copy needs a live migration"},
    {"postcopy suspend", postcopy_suspend, OPT_FIELD_SUSPEND,
     "post-copy cannot leave the domain paused"},
    {"undefine without persistent", undefine_not_persistent, OPT_FIELD_UNDEFINE_SOURCE,
     "would leave no definition on either host"},
    {"shut-off domain", shut_off_not_offline, OPT_FIELD_OFFLINE,
     "the domain is shut off"},

    {"copy all and inc", copy_all_and_inc, OPT_FIELD_COPY_STORAGE_INC,
     "copy-storage-all and copy-storage-inc exclude each other"},
    {"disks without copy", disks_without_copy, OPT_FIELD_MIGRATE_DISKS,
     "choosing disks to migrate needs copy storage"},
    {"disk name with comma", disks_bad_name, OPT_FIELD_MIGRATE_DISKS,
     "('vda,vdb') is not a target name"},
    {"disk listed twice", disks_twice, OPT_FIELD_MIGRATE_DISKS, "disk vda is listed twice"},
    {"disks port range", disks_port_range, OPT_FIELD_DISKS_PORT,
     "disks port 70000 is not a TCP port"},
    {"disks port without copy", disks_port_without_copy, OPT_FIELD_DISKS_PORT,
     "a disks port is only used when copying storage"},
    {"disks uri without copy", disks_uri_without_copy, OPT_FIELD_DISKS_URI,
     "a disks URI is only used when copying storage"},
    {"disks uri and port", disks_uri_and_port, OPT_FIELD_DISKS_URI,
     "disks port and disks URI exclude each other"},
    {"disks uri scheme", disks_uri_scheme, OPT_FIELD_DISKS_URI,
     "disks URI scheme 'rdma' is not supported"},
    {"disks uri not a uri", disks_uri_not_uri, OPT_FIELD_DISKS_URI,
     "disks URI '10.0.0.2' is not a URI (it has no scheme)"},
    {"disks uri unix without path", disks_uri_unix_no_path, OPT_FIELD_DISKS_URI,
     "has no socket path"},
    {"disks uri tcp without host", disks_uri_tcp_no_host, OPT_FIELD_DISKS_URI,
     "has no host"},

    {"bandwidth too big", bandwidth_too_big, OPT_FIELD_BANDWIDTH,
     "above libvirt's limit of 8796093022207 MiB/s"},
    {"postcopy bandwidth without postcopy", postcopy_bw_without_postcopy,
     OPT_FIELD_POSTCOPY_BANDWIDTH, "a post-copy bandwidth needs post-copy"},
    {"postcopy bandwidth too big", postcopy_bw_too_big, OPT_FIELD_POSTCOPY_BANDWIDTH,
     "post-copy bandwidth 8796093022208 MiB/s is above"},
    {"max downtime too big", downtime_too_big, OPT_FIELD_MAX_DOWNTIME,
     "above QEMU's limit of 2000000 ms"},
    {"timeout not live", timeout_not_live, OPT_FIELD_TIMEOUT,
     "a timeout only applies to a live migration"},
    {"timeout without action", timeout_without_action, OPT_FIELD_TIMEOUT_ACTION,
     "a timeout needs an action"},
    {"action without timeout", action_without_timeout, OPT_FIELD_TIMEOUT,
     "no timeout: give the number of seconds"},
    {"timeout post-copy needs postcopy", timeout_postcopy_needs_postcopy,
     OPT_FIELD_TIMEOUT_ACTION, "needs post-copy enabled at launch"},
    {"timeout too big", timeout_too_big, OPT_FIELD_TIMEOUT, "timeout 3000000000 s is too large"},
    {"auto-converge initial without auto-converge", ac_initial_without_ac,
     OPT_FIELD_AUTO_CONVERGE_INITIAL, "auto-converge initial needs auto-converge"},
    {"auto-converge increment without auto-converge", ac_increment_without_ac,
     OPT_FIELD_AUTO_CONVERGE_INCREMENT, "auto-converge increment needs auto-converge"},
    {"auto-converge initial range", ac_initial_range, OPT_FIELD_AUTO_CONVERGE_INITIAL,
     "auto-converge initial 100% is out of range: QEMU takes 1 to 99"},
    {"auto-converge increment range", ac_increment_range, OPT_FIELD_AUTO_CONVERGE_INCREMENT,
     "auto-converge increment 0% is out of range"},

    {"methods without compressed", methods_without_compressed,
     OPT_FIELD_COMPRESSION_METHODS, "compression is off: tick compressed"},
    {"unknown method bits", methods_unknown_bits, OPT_FIELD_COMPRESSION_METHODS,
     "unknown compression method bits 0x80"},
    {"mt level range", mt_level_range, OPT_FIELD_COMP_MT_LEVEL,
     "multithread compression level 10 is out of range: give 0 to 9"},
    {"mt threads range", mt_threads_range, OPT_FIELD_COMP_MT_THREADS,
     "compression threads 0 is out of range: give 1 to 255"},
    {"mt dthreads range", mt_dthreads_range, OPT_FIELD_COMP_MT_DTHREADS,
     "decompression threads 256 is out of range"},
    {"mt level without mt", mt_level_without_mt, OPT_FIELD_COMP_MT_LEVEL,
     "multithread compression settings need the mt method"},
    {"mt threads without mt", mt_threads_without_mt, OPT_FIELD_COMP_MT_THREADS,
     "multithread compression settings need the mt method"},
    {"xbzrle cache too small", xbzrle_cache_small, OPT_FIELD_COMP_XBZRLE_CACHE,
     "xbzrle cache of 0 bytes is too small"},
    {"xbzrle cache without xbzrle", xbzrle_cache_without_xbzrle, OPT_FIELD_COMP_XBZRLE_CACHE,
     "an xbzrle cache size needs xbzrle among the compression methods"},
    {"xbzrle cache with the default method", xbzrle_cache_default_method,
     OPT_FIELD_COMP_XBZRLE_CACHE, "libvirt's default does not count"},
    {"zlib without parallel", zlib_without_parallel, OPT_FIELD_COMPRESSION_METHODS,
     "zlib and zstd compression only work with parallel migration"},
    {"mt with parallel", mt_with_parallel, OPT_FIELD_COMPRESSION_METHODS,
     "xbzrle and mt compression do not work with parallel migration"},
    {"parallel compressed without method", parallel_compressed_default,
     OPT_FIELD_COMPRESSION_METHODS, "parallel migration has no default compression"},
    {"zlib and zstd", zlib_and_zstd, OPT_FIELD_COMPRESSION_METHODS,
     "only one of zlib and zstd"},
    {"zlib level range", zlib_level_range, OPT_FIELD_COMP_ZLIB_LEVEL,
     "zlib level 10 is out of range: give 0 to 9"},
    {"zstd level range", zstd_level_range, OPT_FIELD_COMP_ZSTD_LEVEL,
     "zstd level 21 is out of range: give 0 to 20"},
    {"zlib level without zlib", zlib_level_without_zlib, OPT_FIELD_COMP_ZLIB_LEVEL,
     "a zlib level needs the zlib method"},
    {"zstd level without zstd", zstd_level_without_zstd, OPT_FIELD_COMP_ZSTD_LEVEL,
     "a zstd level needs the zstd method"},

    {"connections without parallel", connections_without_parallel,
     OPT_FIELD_PARALLEL_CONNECTIONS, "parallel connections need parallel migration"},
    {"connections range", connections_range, OPT_FIELD_PARALLEL_CONNECTIONS,
     "parallel connections 256 is out of range: give 1 to 255"},
    {"connections zero", connections_zero, OPT_FIELD_PARALLEL_CONNECTIONS,
     "parallel connections 0 is out of range"},
    {"parallel with post-copy", parallel_postcopy, OPT_FIELD_PARALLEL,
     "QEMU cannot combine post-copy with parallel connections"},
    {"zerocopy without parallel", zerocopy_without_parallel, OPT_FIELD_ZEROCOPY,
     "zero-copy only works with parallel migration"},
    {"zerocopy compressed", zerocopy_compressed, OPT_FIELD_ZEROCOPY,
     "zero-copy cannot send compressed pages"},
    {"zerocopy tls", zerocopy_tls, OPT_FIELD_ZEROCOPY, "zero-copy cannot send through TLS"},

    {"tls destination without tls", tls_destination_without_tls, OPT_FIELD_TLS_DESTINATION,
     "a TLS destination name is only used with TLS"},
    {"tls destination empty", tls_destination_empty, OPT_FIELD_TLS_DESTINATION,
     "the TLS destination name is empty"},
    {"tls over unix disks uri", tls_unix_disks_uri, OPT_FIELD_DISKS_URI,
     "TLS over a unix:// disks URI"},
    {"migrate uri without scheme", migrate_uri_no_scheme, OPT_FIELD_MIGRATE_URI,
     "migration URI '10.0.0.2' is not a URI (it has no scheme)"},
    {"migrate uri unsupported scheme", migrate_uri_bad_scheme, OPT_FIELD_MIGRATE_URI,
     "migration URI scheme 'http' is not supported by QEMU"},
    {"migrate uri without host", migrate_uri_no_host, OPT_FIELD_MIGRATE_URI,
     "migration URI 'tcp:10.0.0.2' has no host: write tcp://host[:port]"},
    {"migrate uri bad port", migrate_uri_bad_port, OPT_FIELD_MIGRATE_URI,
     "its port is not a number from 1 to 65535"},
    {"migrate uri bad host", migrate_uri_bad_host, OPT_FIELD_MIGRATE_URI,
     "host 'bad_host!' is neither an IP address nor a host name"},
    {"migrate uri with a space", migrate_uri_space, OPT_FIELD_MIGRATE_URI,
     "it contains a space or control character"},
    {"migrate uri unix without path", migrate_uri_unix_no_path, OPT_FIELD_MIGRATE_URI,
     "has no socket path"},
    {"unix migrate uri with listen address", migrate_uri_unix_listen, OPT_FIELD_LISTEN_ADDRESS,
     "a listen address cannot be used with a unix:// migration URI"},
    {"unix migrate uri copying storage", migrate_uri_unix_copy_storage, OPT_FIELD_DISKS_URI,
     "needs a disks URI too"},
    {"unix migrate uri with tls", migrate_uri_unix_tls, OPT_FIELD_TLS_DESTINATION,
     "fill in tls-destination"},
    {"listen address not an address", listen_address_bad, OPT_FIELD_LISTEN_ADDRESS,
     "listen address '10.0.0.300' is neither an IP address nor a host name"},
    {"listen address with a space", listen_address_spaces, OPT_FIELD_LISTEN_ADDRESS,
     "listen address 'my host'"},
    {"graphics uri scheme", graphics_uri_scheme, OPT_FIELD_GRAPHICS_URI,
     "graphics URI scheme 'rdp' is not supported: use spice:// or vnc://"},
    {"graphics uri without host", graphics_uri_no_host, OPT_FIELD_GRAPHICS_URI,
     "has no host"},
    {"graphics uri not a uri", graphics_uri_not_uri, OPT_FIELD_GRAPHICS_URI,
     "is not a URI"},

    {"dname empty", dname_empty, OPT_FIELD_DNAME, "the new name is empty"},
    {"dname with slash", dname_slash, OPT_FIELD_DNAME, "contains '/'"},
    {"dname with newline", dname_newline, OPT_FIELD_DNAME, "control character"},
    {"dest xml missing", xml_missing, OPT_FIELD_DEST_XML,
     "cannot read /tmp/virtmig-test-options-does-not-exist: No such file or directory"},
    {"dest xml malformed", xml_malformed, OPT_FIELD_DEST_XML, ":3: Opening and ending tag mismatch"},
    {"dest xml not a domain", xml_not_domain, OPT_FIELD_DEST_XML,
     "the root element is <network>, not <domain>"},
    {"dest xml other name", xml_other_name, OPT_FIELD_DEST_XML,
     "names the domain 'someone-else', not 'vm1'"},
    {"dest xml other uuid", xml_other_uuid, OPT_FIELD_DEST_XML,
     "has uuid 11111111-2222-3333-4444-555555555555, but the domain's is " DOMAIN_UUID},
    {"dest xml empty path", xml_empty_path, OPT_FIELD_DEST_XML, "file name is empty"},
    {"dest xml renamed without dname", xml_renamed_without_dname, OPT_FIELD_DEST_XML,
     "use dname to rename"},
    {"persistent xml without persistent", persistent_xml_without_persistent,
     OPT_FIELD_PERSISTENT_XML, "a persistent XML is only used with persistent"},
    {"persistent xml missing", persistent_xml_missing, OPT_FIELD_PERSISTENT_XML,
     "persistent XML: cannot read"},

    {"zerocopy on libvirt 8.0", zerocopy_on_8_0, OPT_FIELD_ZEROCOPY,
     "zero-copy (--zerocopy) needs libvirt 8.5.0 on the source host, which runs 8.0.0"},
    {"zstd on libvirt 9.0", zstd_on_9_0, OPT_FIELD_COMP_ZSTD_LEVEL,
     "zstd compression (--comp-zstd-level) needs libvirt 9.4.0 on the source host, which runs 9.0.0"},
    {"zlib level on libvirt 9.0", zlib_level_on_9_0, OPT_FIELD_COMP_ZLIB_LEVEL,
     "needs libvirt 9.4.0"},
    {"parallel on libvirt 5.1", parallel_on_5_1, OPT_FIELD_PARALLEL,
     "parallel migration (--parallel) needs libvirt 5.2.0"},
    {"post-copy bandwidth on libvirt 5.0", postcopy_bw_on_5_0, OPT_FIELD_POSTCOPY_BANDWIDTH,
     "needs libvirt 5.1.0 on the source host, which runs 5.0.0"},
    {"tls destination on libvirt 5.10", tls_destination_on_5_10, OPT_FIELD_TLS_DESTINATION,
     "needs libvirt 6.0.0 on the source host, which runs 5.10.0"},
    {"disks uri on libvirt 6.7", disks_uri_on_6_7, OPT_FIELD_DISKS_URI,
     "needs libvirt 6.8.0"},
};

static void test_rule(void **state)
{
    const RuleRow *row = *state;
    MigrateOptions options;
    migrate_options_init(&options);
    MigrateContext context = base_context();
    row->mutate(&options, &context);

    OptionProblem problems[16];
    memset(problems, 0, sizeof(problems));
    size_t count = migrate_options_validate(&options, &context, problems, 16);
    bool found = false;
    for (size_t i = 0; i < count && i < 16; i++)
        if (problems[i].field == row->field && strstr(problems[i].message, row->message_part))
            found = true;
    if (!found) {
        describe(problems, count < 16 ? count : 16);
        fail_msg("rule '%s': no problem on field %d (%s) containing '%s'", row->name,
                 row->field, migrate_option_field_name(row->field), row->message_part);
    }
    /* Every message says how to fix it, not only what is wrong. */
    for (size_t i = 0; i < count && i < 16; i++) {
        assert_true(strlen(problems[i].message) > 20);
        assert_true(problems[i].field > OPT_FIELD_NONE && problems[i].field < OPT_FIELD_COUNT);
    }
    migrate_options_clear(&options);
}

int main(void)
{
    size_t rule_count = sizeof(rules) / sizeof(rules[0]);
    struct CMUnitTest *tests = calloc(rule_count, sizeof(*tests));
    assert_non_null(tests);
    for (size_t i = 0; i < rule_count; i++) {
        tests[i].name = rules[i].name;
        tests[i].test_func = test_rule;
        tests[i].initial_state = (void *)&rules[i];
    }
    int failed = _cmocka_run_group_tests("migrate_options rules", tests, rule_count,
                                         setup_fixtures, teardown_fixtures);
    free(tests);
    return failed;
}
