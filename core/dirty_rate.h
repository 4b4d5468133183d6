/* Dirty page rate measurement of a running domain, without a migration.
 *
 * Non-blocking shape: dirty_rate_start() asks QEMU to measure for `seconds`
 * and returns at once; dirty_rate_read() later returns the result (or
 * "still measuring"). Read through virConnectGetAllDomainStats-style
 * statistics (VIR_DOMAIN_STATS_DIRTYRATE). */
#ifndef VIRTMIG_DIRTY_RATE_H
#define VIRTMIG_DIRTY_RATE_H

#include <stdbool.h>
#include <stdint.h>
#include <libvirt/libvirt.h>

typedef enum {
    DIRTY_RATE_PAGE_SAMPLING = 0,   /* works everywhere */
    DIRTY_RATE_DIRTY_RING,          /* needs KVM's dirty ring (<features><kvm><dirty-ring>) */
    DIRTY_RATE_DIRTY_BITMAP,
} DirtyRateMode;

typedef enum {
    DIRTY_RATE_UNSTARTED = 0,       /* values mirror virDomainDirtyRateStatus */
    DIRTY_RATE_MEASURING,
    DIRTY_RATE_MEASURED,
} DirtyRateStatus;

typedef struct {
    DirtyRateStatus status;
    bool has_rate;
    int64_t megabytes_per_second;   /* dirtyrate.megabytes_per_second (MiB/s) */
    int64_t start_time;             /* dirtyrate.start_time (s) */
    int calc_period;                /* dirtyrate.calc_period (s) */
    char mode[32];                  /* dirtyrate.calc_mode, "" if not given */
} DirtyRateReading;

/* QEMU measures a guest for one client at a time and refuses another start
 * meanwhile ("the dirty rate is already being measured."), in words only:
 * libvirt passes it on as an internal error. True for that message. */
bool dirty_rate_busy_message(const char *message);
/* Ticks (500 ms) to keep retrying a busy guest: a measurement lasts at most
 * 60 s, so after this long someone is measuring it over and over. */
#define DIRTY_RATE_BUSY_TRIES 130

/* Starts a measurement of `seconds` (1..60). prefer_dirty_ring: try the dirty
 * ring first and fall back to page sampling when the host refuses it.
 * *mode_used (may be NULL) says which one runs. Returns 0, or -1 with *error. */
int dirty_rate_start(virDomainPtr domain, const char *host_name, int seconds,
                     bool prefer_dirty_ring, DirtyRateMode *mode_used, char **error);

/* Reads the latest measurement. Right after dirty_rate_start() QEMU may still
 * report the previous measurement as MEASURED: a reading is the new one once
 * its start_time differs from the one read before starting. Returns 0, or -1
 * with *error. */
int dirty_rate_read(virDomainPtr domain, const char *host_name, DirtyRateReading *out,
                    char **error);

/* The same, from one virDomainStatsRecord (for callers that fetch statistics of
 * many domains at once with VIR_DOMAIN_STATS_DIRTYRATE). */
void dirty_rate_from_record(const virDomainStatsRecord *record, DirtyRateReading *out);

const char *dirty_rate_mode_name(DirtyRateMode mode);

#endif
