/* Helpers for integration tests that run against the lab (tests/lab/lab.sh).
 *
 * The lab instance comes from $LAB_INSTANCE (0..7, default 0); its lab.env
 * under /run/virtmig-labN names the three hosts and their URIs. Host numbers
 * are 1..3 (labhost1..labhost3), as in the lab's names.
 *
 * Functions named lab_require_* / lab_connect / lab_domain fail the running
 * cmocka test loudly (with libvirt's own message) instead of returning an
 * error: an integration test never skips because the lab is missing. The
 * others return a value the caller asserts on.
 *
 * Linked into every test binary; unit tests simply never call it. */
#ifndef VIRTMIG_TESTS_SUPPORT_LAB_H
#define VIRTMIG_TESTS_SUPPORT_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <libvirt/libvirt.h>

#define LAB_HOST_COUNT 3

typedef struct _LabInfo LabInfo;
struct _LabInfo {
    int instance;                          /* LAB_INSTANCE */
    char run_dir[64];                      /* /run/virtmig-labN */
    char hosts_conf[96];                   /* /run/virtmig-labN/hosts.conf */
    char accel[8];                         /* "kvm" or "tcg" */
    char bridge_addr[32];                  /* the root namespace's lab address */
    unsigned default_bandwidth_mib;        /* the lab's "link", MiB/s */
    char names[LAB_HOST_COUNT][32];        /* labhost1.. */
    char uris[LAB_HOST_COUNT][128];        /* qemu+tcp://198.18.x.1K/system */
    char socks[LAB_HOST_COUNT][160];       /* each daemon's unix socket */
};

/* Reads lab.env of instance $LAB_INSTANCE into *info. Returns 0, or -1 with
 * *error (malloc'd) saying what is wrong and how to fix it. */
int lab_info_load(LabInfo *info, char **error);

/* The lab, loaded once per process; fails the test when it is not up. */
const LabInfo *lab_require(void);
const char *lab_uri(int host);             /* host 1..3 */
const char *lab_name(int host);
/* "qemu+tcp://labhostK/system": the destination as the hosts name each other
 * (for peer-to-peer migration, where the source daemon connects). */
const char *lab_peer_uri(int host);

/* Silences libvirt's default error printing (tests print libvirt's message
 * themselves). Called by lab_connect; harmless to call again. */
void lab_quiet_libvirt(void);
/* The last libvirt error's message, never NULL. */
const char *lab_libvirt_error(void);

/* Opens host 1..3; fails the test with libvirt's message when it cannot. */
virConnectPtr lab_connect(int host);
/* Looks a domain up; fails the test (with libvirt's message) when absent. */
virDomainPtr lab_domain(virConnectPtr conn, const char *name);

/* Host (1..3) where NAME is active, else where it is defined, else 0. */
int lab_find_domain_host(const char *name);
/* State of NAME on HOST (VIR_DOMAIN_RUNNING...), or -1 when not there. */
int lab_domain_state(int host, const char *name);
/* Waits until NAME has STATE on HOST; true when it did within timeout_ms. */
bool lab_wait_domain_state(int host, const char *name, int state, unsigned timeout_ms);
/* Waits until NAME is gone from HOST (neither active nor defined). */
bool lab_wait_domain_gone(int host, const char *name, unsigned timeout_ms);

/* Measures NAME's dirty rate over calc_seconds (virDomainStartDirtyRateCalc,
 * then VIR_DOMAIN_STATS_DIRTYRATE until the result is new). Returns MiB/s
 * as libvirt reports it (dirtyrate.megabytes_per_second), or -1 with
 * *error (malloc'd, libvirt's message) on failure. */
long long lab_measure_dirty_rate(virDomainPtr domain, int calc_seconds, char **error);
/* Measures repeatedly until the rate is at least min_mib_s (a freshly
 * started guest needs seconds before it writes). Returns the last rate, or
 * -1 with *error; the caller asserts on the value. */
long long lab_wait_dirty_rate(virDomainPtr domain, long long min_mib_s, unsigned timeout_ms,
                              char **error);

/* Live peer-to-peer migration of NAME from host `from` to host `to` with
 * PERSIST_DEST | UNDEFINE_SOURCE, bandwidth in MiB/s (0 = unlimited).
 * Returns 0, or -1 with *error ("labhost1 -> labhost2: <libvirt's message>"). */
int lab_migrate(const char *name, int from, int to, unsigned long bandwidth_mib, char **error);
/* The same with the caller's flags (VIR_MIGRATE_*), e.g. OFFLINE or
 * NON_SHARED_DISK; PEER2PEER is always added (the URI is the peer's). */
int lab_migrate_flags(const char *name, int from, int to, unsigned long bandwidth_mib,
                      unsigned int flags, char **error);

/* Puts NAME back on labhost1 in its starting state (migrating it back when
 * it runs elsewhere, else through `lab.sh reset`). Returns 0 or -1 with
 * *error. Use in test setup so each test starts from a known place. */
int lab_put_back(const char *name, char **error);
/* Runs `tests/lab/lab.sh reset` for this instance: every guest back on
 * labhost1 in its starting state. Returns its exit status (0 = fine). */
int lab_reset(void);

/* Monotonic milliseconds, for timeouts and measurements. */
double lab_now_ms(void);

#endif
