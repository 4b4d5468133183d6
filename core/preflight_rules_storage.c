/* Pre-flight rules about disks: where each one is reachable from the
 * destination (or whether copying it works), and libvirt's cache-mode safety
 * rule. See preflight_rules.h. */
#include "preflight_rules.h"

#include <stdio.h>
#include <string.h>

#include "preflight_rules_util.h"

bool preflight_pool_type_is_shared(const char *type)
{
    static const char *const shared[] = {
        "netfs", "gluster", "rbd", "sheepdog", "iscsi", "iscsi-direct", "mpath", "vstorage",
    };
    if (!type)
        return false;
    for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++) {
        if (strcmp(type, shared[i]) == 0)
            return true;
    }
    return false;
}

static const char *disk_path(const DomainDisk *disk)
{
    if (disk->source_file)
        return disk->source_file;
    if (disk->source_dev)
        return disk->source_dev;
    return disk->source_name;
}

static bool disk_is_empty(const DomainDisk *disk)
{
    if (disk->source_type && strcmp(disk->source_type, "network") == 0)
        return !disk->source_name && !disk->source_protocol;
    return !disk_path(disk);
}

static bool disk_is_network(const DomainDisk *disk)
{
    return disk->source_type && strcmp(disk->source_type, "network") == 0;
}

static bool disk_is_copied(const DomainDisk *disk, const MigrateOptions *options)
{
    return preflight_copies_storage(options) &&
           domain_xml_disk_is_copied(disk, options->migrate_disks, options->migrate_disks_count);
}

/* The directory part of a path ("/var/lib/x.qcow2" -> "/var/lib"), for messages. */
static void directory_of(const char *path, char *buffer, size_t size)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash) {
        snprintf(buffer, size, "%s", path ? path : "?");
        return;
    }
    int length = slash == path ? 1 : (int)(slash - path);
    snprintf(buffer, size, "%.*s", length, path);
}

typedef struct {
    PreflightStatus status;
    char why[256];
    char fix[192];
    bool copy_needed;
} StorageVerdict;

static void storage_disk(const DomainDisk *disk, const PreflightDiskFacts *facts,
                         const MigrateOptions *options, const char *dest,
                         StorageVerdict *verdict)
{
    const char *target = preflight_text_or(disk->target_dev, "?");
    const char *path = disk_path(disk);
    char directory[160];
    directory_of(path, directory, sizeof(directory));

    if (disk_is_empty(disk)) {
        preflight_append_note(verdict->why, sizeof(verdict->why), "%s: no medium", target);
        return;
    }
    if (disk_is_copied(disk, options)) {
        if (disk->readonly) {
            verdict->status = PREFLIGHT_FAIL;
            preflight_append_note(verdict->why, sizeof(verdict->why),
                                  "%s is read-only: libvirt refuses to copy read-only disks",
                                  target);
            if (!verdict->fix[0])
                preflight_set_text(verdict->fix, sizeof(verdict->fix),
                                   "list only the writable disks in --migrate-disks");
            return;
        }
        if (disk_is_network(disk)) {
            verdict->status = preflight_worse(verdict->status, PREFLIGHT_WARN);
            preflight_append_note(verdict->why, sizeof(verdict->why),
                                  "%s is a network disk (shared) but would be copied onto itself",
                                  target);
            if (!verdict->fix[0])
                preflight_set_text(verdict->fix, sizeof(verdict->fix),
                                   "name only the private disks in --migrate-disks");
            return;
        }
        if (facts && facts->checked && facts->dest_volume_exists) {
            preflight_append_note(verdict->why, sizeof(verdict->why),
                                  "%s copied onto the existing %s on %s", target, path, dest);
            return;
        }
        if (facts && facts->checked && facts->dest_pool_for_dir[0]) {
            preflight_append_note(verdict->why, sizeof(verdict->why),
                                  "%s copied, created in pool %s on %s", target,
                                  facts->dest_pool_for_dir, dest);
            return;
        }
        if (facts && !facts->checked) {
            verdict->status = preflight_worse(verdict->status, PREFLIGHT_WARN);
            preflight_append_note(verdict->why, sizeof(verdict->why), "%s: %s", target,
                                  preflight_text_or(facts->lookup_error, "not checked"));
            return;
        }
        verdict->status = PREFLIGHT_FAIL;
        preflight_append_note(verdict->why, sizeof(verdict->why),
                              "%s: copying needs an active pool on %s whose target path is %s",
                              target, dest, directory);
        if (!verdict->fix[0])
            preflight_set_text(verdict->fix, sizeof(verdict->fix),
                               "define and start a dir pool with target %s on %s", directory, dest);
        return;
    }
    if (disk_is_network(disk)) {
        preflight_append_note(verdict->why, sizeof(verdict->why), "%s: network disk (%s), shared",
                              target, preflight_text_or(disk->source_protocol, "?"));
        return;
    }
    if (!facts || !facts->checked) {
        verdict->status = preflight_worse(verdict->status, PREFLIGHT_WARN);
        preflight_append_note(
            verdict->why, sizeof(verdict->why), "%s (%s): %s", target, preflight_text_or(path, "?"),
            facts ? preflight_text_or(facts->lookup_error, "not checked") : "not checked");
        return;
    }
    bool offline = preflight_is_offline(options);
    bool shared_pool = preflight_pool_type_is_shared(facts->source_pool_type);
    if (facts->dest_volume_exists && shared_pool) {
        preflight_append_note(verdict->why, sizeof(verdict->why),
                              "%s: %s is on shared storage (%s pool)", target, path,
                              facts->source_pool_type);
        return;
    }
    if (facts->dest_volume_exists && !facts->source_pool_type[0]) {
        verdict->status = preflight_worse(verdict->status, PREFLIGHT_WARN);
        preflight_append_note(verdict->why, sizeof(verdict->why),
                              "%s: %s exists on %s too; libvirt accepts it only on a shared "
                              "filesystem (NFS, GFS2...)",
                              target, path, dest);
        if (!verdict->fix[0] && !offline)
            preflight_set_text(verdict->fix, sizeof(verdict->fix),
                               "if that is not the same shared file, enable copy-storage-all");
        return;
    }
    if (offline) {
        if (!facts->dest_volume_exists) {
            verdict->status = preflight_worse(verdict->status, PREFLIGHT_WARN);
            preflight_append_note(verdict->why, sizeof(verdict->why),
                                  "%s: %s is not on %s; offline moves only the definition", target,
                                  path, dest);
            if (!verdict->fix[0])
                preflight_set_text(verdict->fix, sizeof(verdict->fix),
                                   "copy the disk there before starting it on %s", dest);
        } else {
            preflight_append_note(verdict->why, sizeof(verdict->why), "%s: %s exists on %s",
                                  target, path, dest);
        }
        return;
    }
    verdict->status = PREFLIGHT_FAIL;
    verdict->copy_needed = true;
    if (facts->dest_volume_exists)
        preflight_append_note(
            verdict->why, sizeof(verdict->why),
            "%s: %s is in the source's own %s pool; %s has a different file there", target, path,
            facts->source_pool_type, dest);
    else
        preflight_append_note(verdict->why, sizeof(verdict->why), "%s: %s is not reachable on %s",
                              target, path, dest);
    preflight_set_text(verdict->fix, sizeof(verdict->fix),
                       "enable copy-storage-all (the disk is copied while the guest runs)");
}

void preflight_rule_storage(const PreflightFacts *facts, const MigrateOptions *options,
                            PreflightCheck *out, bool *copy_storage_needed)
{
    const char *dest = preflight_text_or(facts->dest_name, "the destination");
    const DomainXmlInfo *domain = facts->domain;
    StorageVerdict verdict;
    memset(&verdict, 0, sizeof(verdict));
    if (copy_storage_needed)
        *copy_storage_needed = false;
    if (!domain || domain->disk_count == 0) {
        preflight_set_check(out, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_PASS, NULL,
                            "the guest has no disks");
        return;
    }
    for (size_t i = 0; i < domain->disk_count; i++)
        storage_disk(&domain->disks[i], facts->disks ? &facts->disks[i] : NULL, options, dest,
                     &verdict);
    if (copy_storage_needed)
        *copy_storage_needed = verdict.copy_needed;
    preflight_set_check(out, PREFLIGHT_CHECK_STORAGE, verdict.status, verdict.fix, "%s",
                        verdict.why);
}

/* libvirt's qemuMigrationSrcIsSafe (qemu_migration.c, 9.0): after the shared
 * storage test, a disk that is not empty, not read-only, not copied, not a
 * network disk and not shareable must use cache none or directsync, unless
 * QEMU can drop the host page cache at switch-over (the file driver's
 * drop-cache, QEMU 4.0 and later: QEMU_CAPS_MIGRATION_FILE_DROP_CACHE). */
#define QEMU_DROP_CACHE_VERSION 4000000ul

void preflight_rule_disk_cache(const PreflightFacts *facts, const MigrateOptions *options,
                               PreflightCheck *out)
{
    const DomainXmlInfo *domain = facts->domain;
    char named[200] = "";
    size_t count = 0;
    if (preflight_is_offline(options)) {
        preflight_set_check(out, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_PASS, NULL,
                            "offline: no guest writes to flush, cache modes do not matter");
        return;
    }
    for (size_t i = 0; domain && i < domain->disk_count; i++) {
        const DomainDisk *disk = &domain->disks[i];
        if (disk_is_empty(disk) || disk->readonly || disk->shareable || disk_is_network(disk) ||
            disk_is_copied(disk, options))
            continue;
        const char *cache = disk->cache_mode;
        if (cache && (strcmp(cache, "none") == 0 || strcmp(cache, "directsync") == 0))
            continue;
        preflight_append_note(named, sizeof(named), "%s cache=%s",
                              preflight_text_or(disk->target_dev, "?"),
                              preflight_text_or(cache, "default (writeback)"));
        count++;
    }
    if (count == 0) {
        preflight_set_check(out, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_PASS, NULL,
                            "every disk that stays in place uses cache none/directsync, is "
                            "read-only, shareable, networked or copied");
        return;
    }
    if (options && options->unsafe) {
        preflight_set_check(out, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_WARN, NULL,
                            "%s: --unsafe skips libvirt's cache check", named);
        return;
    }
    char version[32];
    preflight_version_text(version, sizeof(version), facts->source_hv_version);
    if (facts->source_hv_version >= QEMU_DROP_CACHE_VERSION) {
        preflight_set_check(out, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_PASS, NULL,
                            "%s: accepted, QEMU %s drops the host page cache at switch-over "
                            "(libvirt's safety rule)",
                            named, version);
        return;
    }
    preflight_set_check(out, PREFLIGHT_CHECK_DISK_CACHE,
                        facts->source_hv_version ? PREFLIGHT_FAIL : PREFLIGHT_WARN,
                        "set cache='none' (or directsync) on those disks, or use --unsafe",
                        "%s with QEMU %s on the source: libvirt refuses (\"Migration may lead to "
                        "data corruption if disks use cache other than none or directsync\")",
                        named, version);
}
