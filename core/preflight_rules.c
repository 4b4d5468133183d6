/* Pre-flight decisions on gathered facts: see preflight_rules.h. */
#include "preflight_rules.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "convergence.h"
#include "preflight_rules_util.h"

const char *preflight_status_name(PreflightStatus status)
{
    switch (status) {
    case PREFLIGHT_PASS: return "pass";
    case PREFLIGHT_WARN: return "warning";
    case PREFLIGHT_FAIL: return "FAIL";
    }
    return "?";
}

const char *preflight_check_name(PreflightCheckId id)
{
    static const char *const names[PREFLIGHT_CHECK_COUNT] = {
        [PREFLIGHT_CHECK_DESTINATION] = "destination",
        [PREFLIGHT_CHECK_VERSIONS] = "versions",
        [PREFLIGHT_CHECK_CPU] = "CPU",
        [PREFLIGHT_CHECK_MEMORY] = "memory",
        [PREFLIGHT_CHECK_NAME] = "name/UUID",
        [PREFLIGHT_CHECK_STORAGE] = "storage",
        [PREFLIGHT_CHECK_DISK_CACHE] = "disk cache",
        [PREFLIGHT_CHECK_NETWORKS] = "networks",
        [PREFLIGHT_CHECK_HOSTDEV] = "host devices",
        [PREFLIGHT_CHECK_HOSTNAME] = "hostname",
        [PREFLIGHT_CHECK_DIRTY_RATE] = "dirty rate",
    };
    return id < PREFLIGHT_CHECK_COUNT ? names[id] : "?";
}

void preflight_check_format(const PreflightCheck *check, char *buffer, size_t size)
{
    if (!buffer || size == 0)
        return;
    if (!check) {
        buffer[0] = '\0';
        return;
    }
    snprintf(buffer, size, "%-7s %s: %s%s%s", preflight_status_name(check->status),
             preflight_check_name(check->id), check->why, check->fix[0] ? " -> " : "",
             check->fix);
}

/* ---- destination and versions --------------------------------------- */

void preflight_rule_destination(const PreflightFacts *facts, PreflightCheck *out)
{
    const char *dest = preflight_text_or(facts->dest_name, "the destination");
    const char *source = preflight_text_or(facts->source_name, "the source");
    if (!facts->dest_connected) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_DESTINATION, PREFLIGHT_FAIL,
            "wait until it reconnects (see the header), or choose another destination",
            "%s is not connected (%s)", dest,
            preflight_text_or(facts->dest_state_text, "no reason known"));
        return;
    }
    if (facts->source_hv_type && facts->dest_hv_type &&
        strcasecmp(facts->source_hv_type, facts->dest_hv_type) != 0) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_DESTINATION, PREFLIGHT_FAIL,
            "choose a destination that runs the same hypervisor",
            "%s runs %s but %s runs %s: a guest migrates only between the same hypervisor", source,
            facts->source_hv_type, dest, facts->dest_hv_type);
        return;
    }
    char version[32];
    preflight_version_text(version, sizeof(version), facts->dest_hv_version);
    preflight_set_check(out, PREFLIGHT_CHECK_DESTINATION, PREFLIGHT_PASS, NULL,
                        "%s is connected and runs %s %s, like %s", dest,
                        preflight_text_or(facts->dest_hv_type, "the same hypervisor"), version,
                        source);
}

void preflight_rule_versions(const PreflightFacts *facts, const MigrateOptions *options,
                             PreflightCheck *out)
{
    OptionField field = OPT_FIELD_NONE;
    unsigned long needed = options ? migrate_options_min_libvirt(options, &field) : 0;
    char need[32], source[32], dest[32];
    preflight_version_text(need, sizeof(need), needed);
    preflight_version_text(source, sizeof(source), facts->source_libvirt_version);
    preflight_version_text(dest, sizeof(dest), facts->dest_libvirt_version);
    const char *option = migrate_option_field_name(field);

    const char *too_old = NULL;
    unsigned long old_version = 0;
    if (needed && facts->source_libvirt_version && facts->source_libvirt_version < needed) {
        too_old = preflight_text_or(facts->source_name, "the source");
        old_version = facts->source_libvirt_version;
    } else if (needed && facts->dest_libvirt_version && facts->dest_libvirt_version < needed) {
        too_old = preflight_text_or(facts->dest_name, "the destination");
        old_version = facts->dest_libvirt_version;
    }
    if (too_old) {
        char old[32], fix[192];
        preflight_version_text(old, sizeof(old), old_version);
        preflight_set_text(fix, sizeof(fix), "turn %s off, or upgrade libvirt on %s to %s or later",
                           preflight_text_or(option, "that option"), too_old, need);
        preflight_set_check(out, PREFLIGHT_CHECK_VERSIONS, PREFLIGHT_FAIL, fix,
                            "%s needs libvirt %s but %s has %s",
                            preflight_text_or(option, "an option"), need, too_old, old);
        return;
    }
    if (!facts->source_libvirt_version || !facts->dest_libvirt_version) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_VERSIONS, PREFLIGHT_WARN,
            "wait until both hosts are connected and run the checks again",
            "libvirt version unknown (source %s, destination %s): options not checked against it",
            source, dest);
        return;
    }
    if (needed)
        preflight_set_check(
            out, PREFLIGHT_CHECK_VERSIONS, PREFLIGHT_PASS, NULL,
            "libvirt %s (source) and %s (destination) accept every option (newest: %s, libvirt %s)",
            source, dest, preflight_text_or(option, "?"), need);
    else
        preflight_set_check(out, PREFLIGHT_CHECK_VERSIONS, PREFLIGHT_PASS, NULL,
                            "libvirt %s (source) and %s (destination) accept every option", source,
                            dest);
}

/* ---- CPU and memory -------------------------------------------------- */

void preflight_rule_cpu(const PreflightFacts *facts, PreflightCheck *out)
{
    const DomainXmlInfo *domain = facts->domain;
    const char *dest = preflight_text_or(facts->dest_name, "the destination");
    const char *model = domain ? preflight_text_or(domain->cpu_model,
                                                   preflight_text_or(domain->cpu_mode, "?")) : "?";
    if (!domain || !domain->cpu_xml) {
        preflight_set_check(out, PREFLIGHT_CHECK_CPU, PREFLIGHT_PASS, NULL,
                            "no <cpu> element: the guest gets the hypervisor's default model "
                            "(qemu64 on x86), which %s provides; nothing else to compare",
                            dest);
        return;
    }
    switch (facts->cpu_result) {
    case PREFLIGHT_CPU_INCOMPATIBLE:
        preflight_set_check(out, PREFLIGHT_CHECK_CPU, PREFLIGHT_FAIL,
                            "pick a CPU model both hosts run (virsh hypervisor-cpu-baseline), or "
                            "another destination",
                            "guest CPU %s is incompatible with %s (host CPU %s)%s%s", model, dest,
                            preflight_text_or(facts->dest_cpu_model, "unknown"),
                            facts->cpu_error ? ": " : "", facts->cpu_error ? facts->cpu_error : "");
        return;
    case PREFLIGHT_CPU_IDENTICAL:
    case PREFLIGHT_CPU_SUPERSET:
        preflight_set_check(out, PREFLIGHT_CHECK_CPU, PREFLIGHT_PASS, NULL,
                            "guest CPU %s (%s) runs on %s: the hypervisor CPU there is %s", model,
                            preflight_text_or(domain->cpu_mode, "custom"), dest,
                            facts->cpu_result == PREFLIGHT_CPU_IDENTICAL ? "identical"
                                                                         : "a superset");
        return;
    case PREFLIGHT_CPU_NOT_COMPARED:
        break;
    }
    preflight_set_check(out, PREFLIGHT_CHECK_CPU, PREFLIGHT_WARN,
                        "check the CPU by hand (virsh hypervisor-cpu-compare on the destination)",
                        "guest CPU %s could not be compared on %s: %s", model, dest,
                        preflight_text_or(facts->cpu_error, "no answer"));
}

void preflight_rule_memory(const PreflightFacts *facts, const MigrateOptions *options,
                           PreflightCheck *out)
{
    const char *dest = preflight_text_or(facts->dest_name, "the destination");
    uint64_t need_kib = facts->domain ? facts->domain->memory_kib : 0;
    double need_mib = (double)need_kib / 1024.0;
    if (!facts->dest_free_memory_known || !facts->domain) {
        preflight_set_check(out, PREFLIGHT_CHECK_MEMORY, PREFLIGHT_WARN,
                            "run the checks again once the destination answers",
                            "free memory on %s unknown: the guest's %.0f MiB not checked", dest,
                            need_mib);
        return;
    }
    double free_mib = (double)facts->dest_free_memory_bytes / (1024.0 * 1024.0);
    uint64_t need_bytes = need_kib * 1024u;
    bool offline = preflight_is_offline(options);
    if (facts->dest_free_memory_bytes < need_bytes) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_MEMORY, offline ? PREFLIGHT_WARN : PREFLIGHT_FAIL,
            "free memory on the destination, shrink the guest, or choose another host",
            "%s has %.0f MiB free, the guest needs %.0f MiB%s", dest, free_mib, need_mib,
            offline ? " (offline: only when it starts there)" : "");
        return;
    }
    /* Within 10%: the page cache, other guests' growth or the migration's own
     * buffers can take the rest while it runs. */
    if ((double)facts->dest_free_memory_bytes < (double)need_bytes * 1.1) {
        preflight_set_check(out, PREFLIGHT_CHECK_MEMORY, PREFLIGHT_WARN,
                            "free some memory on the destination first to keep a margin",
                            "%s has %.0f MiB free, within 10%% of the guest's %.0f MiB", dest,
                            free_mib, need_mib);
        return;
    }
    preflight_set_check(out, PREFLIGHT_CHECK_MEMORY, PREFLIGHT_PASS, NULL,
                        "%s has %.0f MiB free for the guest's %.0f MiB", dest, free_mib, need_mib);
}

/* ---- name and UUID --------------------------------------------------- */

void preflight_rule_name(const PreflightFacts *facts, const MigrateOptions *options,
                         PreflightCheck *out)
{
    const char *dest = preflight_text_or(facts->dest_name, "the destination");
    const DomainXmlInfo *domain = facts->domain;
    const char *name = options && options->dname && *options->dname
                           ? options->dname : (domain ? preflight_text_or(domain->name, "?") : "?");
    const char *uuid = domain ? preflight_text_or(domain->uuid, "?") : "?";
    const PreflightDestDomain *same = &facts->dest_by_uuid;
    const PreflightDestDomain *named = &facts->dest_by_name;

    if (same->exists && same->active) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_NAME, PREFLIGHT_FAIL,
            "it already runs there: destroy that copy first, or choose another destination",
            "%s already runs on %s (as %s, same UUID %s)", name, dest,
            preflight_text_or(same->name, "?"), uuid);
        return;
    }
    if (named->exists && strcmp(named->uuid, uuid) != 0) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_NAME, PREFLIGHT_FAIL,
            "rename it on the way (new name / dname), or undefine that domain there",
            "%s already has a domain named %s with another UUID (%s)", dest, name, named->uuid);
        return;
    }
    if (same->exists) {
        if (preflight_is_offline(options))
            preflight_set_check(out, PREFLIGHT_CHECK_NAME, PREFLIGHT_WARN,
                                "nothing, if that copy is stale; else undefine it there first",
                                "%s has a shut-off copy of %s (same UUID): the offline migration "
                                "replaces its definition",
                                dest, name);
        else
            preflight_set_check(out, PREFLIGHT_CHECK_NAME, PREFLIGHT_WARN,
                                "nothing, if that copy is stale; else undefine it there first",
                                "%s has a shut-off copy of %s (same UUID): the live migration "
                                "replaces it with the running guest",
                                dest, name);
        return;
    }
    preflight_set_check(out, PREFLIGHT_CHECK_NAME, PREFLIGHT_PASS, NULL,
                        "no domain named %s or with UUID %s on %s", name, uuid, dest);
}

/* ---- networks --------------------------------------------------------- */

void preflight_rule_networks(const PreflightFacts *facts, const MigrateOptions *options,
                             PreflightCheck *out)
{
    const char *dest = preflight_text_or(facts->dest_name, "the destination");
    const DomainXmlInfo *domain = facts->domain;
    PreflightStatus status = PREFLIGHT_PASS;
    char why[256] = "";
    char fix[192] = "";
    size_t checked = 0;
    /* A guest can be defined offline with a missing network; it only fails to
     * start there. */
    PreflightStatus missing = preflight_is_offline(options) ? PREFLIGHT_WARN : PREFLIGHT_FAIL;

    for (size_t i = 0; domain && i < domain->interface_count; i++) {
        const DomainInterface *interface = &domain->interfaces[i];
        const char *type = preflight_text_or(interface->type, "?");
        bool is_network = strcmp(type, "network") == 0;
        bool is_bridge = strcmp(type, "bridge") == 0;
        bool is_direct = strcmp(type, "direct") == 0;
        if (!is_network && !is_bridge && !is_direct)
            continue;
        const char *source = preflight_text_or(interface->source, "?");
        const char *kind = is_network ? "network" : is_bridge ? "bridge" : "host interface";
        const PreflightNetFacts *net = facts->interfaces ? &facts->interfaces[i] : NULL;
        checked++;
        if (!net || !net->checked) {
            status = preflight_worse(status, PREFLIGHT_WARN);
            preflight_append_note(why, sizeof(why), "%s %s: %s", kind, source,
                                  net ? preflight_text_or(net->lookup_error,
                                                          "not checked") : "not checked");
            continue;
        }
        if (!net->exists) {
            status = preflight_worse(status, missing);
            preflight_append_note(why, sizeof(why), "%s %s does not exist on %s", kind, source,
                                  dest);
            if (!fix[0])
                preflight_set_text(fix, sizeof(fix),
                                   "create %s %s on %s, or choose a host that has it", kind, source,
                                   dest);
            continue;
        }
        if (is_network && !net->active) {
            status = preflight_worse(status, missing);
            preflight_append_note(why, sizeof(why), "network %s is defined but not active on %s",
                                  source, dest);
            if (!fix[0])
                preflight_set_text(fix, sizeof(fix), "start it there: virsh net-start %s", source);
            continue;
        }
        preflight_append_note(why, sizeof(why), "%s %s %s on %s", kind, source,
                              is_network ? "is active" : "exists", dest);
    }
    if (checked == 0)
        snprintf(why, sizeof(why), "no network or bridge interfaces to find on %s", dest);
    preflight_set_check(out, PREFLIGHT_CHECK_NETWORKS, status, fix, "%s", why);
}

/* ---- host devices ----------------------------------------------------- */

void preflight_limits_from_domain(const DomainXmlInfo *domain, PreflightLimits *limits)
{
    memset(limits, 0, sizeof(*limits));
    for (size_t i = 0; domain && i < domain->hostdev_count; i++) {
        if (domain->hostdevs[i].type && strcmp(domain->hostdevs[i].type, "pci") == 0) {
            /* The Mellanox CX-7 VF live-migration procedure: with a VF assigned,
             * QEMU tracks the device's dirty pages itself, so no dirty-rate
             * measurement, no post-copy and no vIOMMU. */
            limits->no_dirty_rate = true;
            limits->no_postcopy = true;
            limits->no_viommu = true;
        }
    }
}

void preflight_rule_hostdev(const PreflightFacts *facts, const MigrateOptions *options,
                            PreflightCheck *out, PreflightLimits *limits)
{
    const DomainXmlInfo *domain = facts->domain;
    PreflightLimits local;
    preflight_limits_from_domain(domain, &local);
    if (limits)
        *limits = local;
    char devices[160] = "";
    for (size_t i = 0; domain && i < domain->hostdev_count; i++) {
        const DomainHostdev *hostdev = &domain->hostdevs[i];
        const char *type = preflight_text_or(hostdev->type, "?");
        if (strcmp(type, "usb") == 0)
            continue;
        if (strcmp(type, "pci") != 0 && !preflight_is_offline(options)) {
            char fix[192];
            preflight_set_text(fix, sizeof(fix), "detach the %s host device before migrating",
                               type);
            preflight_set_check(out, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_FAIL, fix,
                                "a <hostdev type='%s'> cannot migrate: libvirt refuses (\"cannot "
                                "migrate a domain with <hostdev mode='subsystem' type='%s'>\")",
                                type, type);
            return;
        }
        if (strcmp(type, "pci") == 0)
            preflight_append_note(devices, sizeof(devices), "PCI %s",
                                  hostdev->pci_address[0] ? hostdev->pci_address : "device");
    }
    if (!local.no_postcopy) {
        preflight_set_check(out, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_PASS, NULL,
                            "no assigned PCI device (VF): every migration feature is available");
        return;
    }
    if (preflight_is_offline(options)) {
        preflight_set_check(out, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_PASS, NULL,
                            "%s assigned; offline moves only the definition", devices);
        return;
    }
    if (options && options->postcopy) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_FAIL,
            "turn post-copy off (pre-copy, with auto-converge if it does not converge)",
            "%s assigned (a VF): post-copy is unavailable with a VF", devices);
        return;
    }
    if (domain && domain->has_iommu) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_FAIL,
            "remove the <iommu> device from the guest (needs a restart)",
            "%s assigned (a VF) with a vIOMMU: VF migration does not support a vIOMMU", devices);
        return;
    }
    preflight_set_check(out, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_WARN,
                        "keep post-copy off; judge convergence by the job's own statistics",
                        "%s assigned (a VF): no dirty-rate measurement, no post-copy, no vIOMMU "
                        "during VF migration",
                        devices);
}

/* ---- hostname --------------------------------------------------------- */

void preflight_rule_hostname(const PreflightFacts *facts, const MigrateOptions *options,
                             PreflightCheck *out)
{
    const char *dest = preflight_text_or(facts->dest_name, "the destination");
    const char *name = facts->dest_hostname;
    char fix[192];
    preflight_set_text(fix, sizeof(fix),
                       "give a migrate URI with its address: --migrateuri tcp://%s",
                       preflight_text_or(facts->dest_uri_host, "ADDRESS"));
    if (preflight_is_offline(options)) {
        preflight_set_check(out, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_PASS, NULL,
                            "offline: no migration stream, the hostname is not used");
        return;
    }
    if (options && options->migrate_uri && *options->migrate_uri) {
        preflight_set_check(out, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_PASS, NULL,
                            "migrate URI %s given: %s's hostname is not used", options->migrate_uri,
                            dest);
        return;
    }
    if (!name || !*name) {
        preflight_set_check(out, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_WARN, fix,
                            "%s's hostname is unknown (not connected?)", dest);
        return;
    }
    /* libvirt's own refusal on the destination (qemuMigrationDstPrepare). */
    if (strncmp(name, "localhost", 9) == 0) {
        preflight_set_check(out, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_FAIL, fix,
                            "%s calls itself \"%s\": libvirt refuses (\"hostname on destination "
                            "resolved to localhost, but migration requires an FQDN\")",
                            dest, name);
        return;
    }
    /* The source (its daemon for peer-to-peer, its QEMU in every mode)
     * connects to tcp://HOSTNAME; we can only resolve it here. */
    if (facts->hostname_resolved && facts->hostname_loopback_only) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_FAIL, fix,
            "%s's hostname %s resolves to %s (loopback): the source would connect to itself", dest,
            name, facts->hostname_address);
        return;
    }
    if (facts->hostname_resolved) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_PASS, NULL,
            "%s's hostname %s resolves to %s here; the source connects to that name", dest, name,
            facts->hostname_address);
        return;
    }
    preflight_set_check(out, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_WARN, fix,
                        "%s's hostname %s does not resolve here (%s); the source%s resolves it "
                        "with its own resolver, check it does",
                        dest, name, preflight_text_or(facts->hostname_error, "no address"),
                        options && options->p2p ? " daemon (peer-to-peer)" : "");
}

/* ---- dirty rate ------------------------------------------------------- */

/* Passes we allow before calling a prediction "does not converge in practice". */
#define PRECOPY_MAX_PASSES 30u
/* A link nobody capped: assume 1 GbE, ~110 MiB/s, the slowest common one. */
#define UNCAPPED_LINK_MIBS 110.0
/* As convergence.c: a dirty rate at 90% of the link counts as losing (QEMU
 * counts a page once per bitmap sync, so the measured rate understates). */
#define LOSING_RATIO 0.9
#define SLOW_RATIO 0.5

bool preflight_precopy_converges(double dirty_mibs, double link_mibs, uint64_t memory_bytes,
                                 uint64_t max_downtime_ms, unsigned *passes, uint64_t *eta_ms)
{
    if (passes)
        *passes = 0;
    if (eta_ms)
        *eta_ms = 0;
    if (link_mibs <= 0.0 || dirty_mibs < 0.0 || dirty_mibs >= link_mibs * LOSING_RATIO)
        return false;
    double downtime_s = (double)(max_downtime_ms ? max_downtime_ms
                                                 : CONVERGENCE_DEFAULT_MAX_DOWNTIME_MS) / 1000.0;
    /* Each pass sends what the last one left; while it runs the guest dirties
     * dirty x (pass time). It stops once the rest fits in the downtime. */
    double remaining_mib = (double)memory_bytes / (1024.0 * 1024.0);
    double elapsed_s = 0.0;
    for (unsigned pass = 1; pass <= PRECOPY_MAX_PASSES; pass++) {
        double pass_s = remaining_mib / link_mibs;
        if (pass_s <= downtime_s) {
            if (passes)
                *passes = pass;
            if (eta_ms)
                *eta_ms = (uint64_t)((elapsed_s + pass_s) * 1000.0);
            return true;
        }
        elapsed_s += pass_s;
        remaining_mib = dirty_mibs * pass_s;
    }
    return false;
}

void preflight_rule_dirty_rate(const PreflightFacts *facts, const MigrateOptions *options,
                               PreflightCheck *out)
{
    PreflightLimits limits;
    preflight_limits_from_domain(facts->domain, &limits);
    if (preflight_is_offline(options)) {
        preflight_set_check(out, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_PASS, NULL,
                            "offline: no memory is copied live");
        return;
    }
    if (limits.no_dirty_rate) {
        preflight_set_check(out, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_WARN,
                            "watch the job's own statistics once it runs",
                            "dirty rate cannot be measured with an assigned VF: no prediction");
        return;
    }
    if (!facts->dirty_rate_known) {
        preflight_set_check(
            out, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_WARN,
            "watch the dirty rate (or wait for a measurement) and run the checks again",
            "dirty rate not known yet: %s",
            preflight_text_or(facts->dirty_rate_error, "no sample"));
        return;
    }
    double dirty = facts->dirty_rate_mibs;
    uint64_t memory = facts->domain ? facts->domain->memory_kib * 1024u : 0;
    uint64_t downtime = options && options->max_downtime_ms ? options->max_downtime_ms
                                                            : CONVERGENCE_DEFAULT_MAX_DOWNTIME_MS;
    bool capped = options && options->bandwidth_mibs > 0;
    double link = capped ? (double)options->bandwidth_mibs : UNCAPPED_LINK_MIBS;
    const char *origin = preflight_text_or(facts->dirty_rate_origin, "measured");
    char link_text[64];
    if (capped)
        snprintf(link_text, sizeof(link_text), "the %.0f MiB/s bandwidth", link);
    else
        snprintf(link_text, sizeof(link_text), "an uncapped 1 GbE link (~%.0f MiB/s)", link);

    unsigned passes = 0;
    uint64_t eta_ms = 0;
    if (preflight_precopy_converges(dirty, link, memory, downtime, &passes, &eta_ms)) {
        bool slow = dirty >= link * SLOW_RATIO;
        preflight_set_check(out, PREFLIGHT_CHECK_DIRTY_RATE, slow ? PREFLIGHT_WARN : PREFLIGHT_PASS,
                            slow ? "consider auto-converge or more bandwidth" : NULL,
                            "dirty %.1f MiB/s (%s) vs %s: pre-copy predicted to converge in %u "
                            "pass%s, ~%.1f s, within %llu ms downtime",
                            dirty, origin, link_text, passes, passes == 1 ? "" : "es",
                            (double)eta_ms / 1000.0, (unsigned long long)downtime);
        return;
    }
    char fix[192] = "";
    if (dirty < link * LOSING_RATIO) {
        /* It shrinks, too slowly for the downtime: the downtime a few passes in
         * would fit. */
        double remaining = (double)memory / (1024.0 * 1024.0);
        for (int pass = 0; pass < 5; pass++)
            remaining = dirty * (remaining / link);
        uint64_t fits_ms = (uint64_t)(remaining / link * 1000.0) + 1;
        preflight_set_text(fix, sizeof(fix),
                           "raise max downtime to ~%llu ms, or enable auto-converge or post-copy",
                           (unsigned long long)fits_ms);
    } else {
        size_t used = 0;
        if (!options || !options->postcopy)
            used += (size_t)snprintf(fix + used, sizeof(fix) - used, "enable post-copy");
        if ((!options || !options->auto_converge) && used < sizeof(fix))
            used += (size_t)snprintf(fix + used, sizeof(fix) - used, "%sauto-converge",
                                     used ? " or " : "enable ");
        if (used < sizeof(fix))
            snprintf(fix + used, sizeof(fix) - used, "%sraise bandwidth above %.0f MiB/s",
                     used ? ", or " : "", dirty / LOSING_RATIO + 1.0);
    }
    /* Already enabled remedies make it a warning: launch works, with help. */
    bool helped = options && (options->postcopy || options->auto_converge);
    preflight_set_check(out, PREFLIGHT_CHECK_DIRTY_RATE, helped ? PREFLIGHT_WARN : PREFLIGHT_FAIL,
                        fix, "dirty %.1f MiB/s (%s) vs %s: pre-copy predicted not to converge%s",
                        dirty, origin, link_text,
                        helped ? (options->postcopy
                                      ? " (post-copy is enabled: switch when it stalls)"
                                      : " (relies on auto-converge throttling the guest)")
                               : "");
}

/* ---- all of them ------------------------------------------------------ */

void preflight_rules_evaluate(const PreflightFacts *facts, const MigrateOptions *options,
                              PreflightCheck checks[PREFLIGHT_CHECK_COUNT],
                              PreflightLimits *limits, bool *copy_storage_needed)
{
    preflight_rule_destination(facts, &checks[PREFLIGHT_CHECK_DESTINATION]);
    preflight_rule_versions(facts, options, &checks[PREFLIGHT_CHECK_VERSIONS]);
    preflight_rule_cpu(facts, &checks[PREFLIGHT_CHECK_CPU]);
    preflight_rule_memory(facts, options, &checks[PREFLIGHT_CHECK_MEMORY]);
    preflight_rule_name(facts, options, &checks[PREFLIGHT_CHECK_NAME]);
    preflight_rule_storage(facts, options, &checks[PREFLIGHT_CHECK_STORAGE], copy_storage_needed);
    preflight_rule_disk_cache(facts, options, &checks[PREFLIGHT_CHECK_DISK_CACHE]);
    preflight_rule_networks(facts, options, &checks[PREFLIGHT_CHECK_NETWORKS]);
    preflight_rule_hostdev(facts, options, &checks[PREFLIGHT_CHECK_HOSTDEV], limits);
    preflight_rule_hostname(facts, options, &checks[PREFLIGHT_CHECK_HOSTNAME]);
    preflight_rule_dirty_rate(facts, options, &checks[PREFLIGHT_CHECK_DIRTY_RATE]);
}
