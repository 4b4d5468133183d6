/* Pre-flight facts from the source and destination connections: see preflight.h. */
#include "preflight.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libvirt/virterror.h>

#include "dirty_rate.h"
#include "libvirt_error.h"

/* ---- small helpers --------------------------------------------------- */

static void copy_error(char *buffer, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* libvirt's last message with our context, into a fixed buffer. */
static void copy_error(char *buffer, size_t size, const char *format, ...)
{
    char context[160];
    va_list args;
    va_start(args, format);
    vsnprintf(context, sizeof(context), format, args);
    va_end(args);
    char *message = libvirt_error_message("%s", context);
    snprintf(buffer, size, "%s", message ? message : context);
    free(message);
}

static void sleep_ms(unsigned ms)
{
    struct timespec delay = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&delay, NULL);
}

char *preflight_uri_host(const char *uri)
{
    const char *start = uri ? strstr(uri, "://") : NULL;
    if (!start)
        return NULL;
    start += 3;
    const char *end = start + strcspn(start, "/?");
    const char *at = memchr(start, '@', (size_t)(end - start));
    if (at)
        start = at + 1;
    if (*start == '[') {                     /* [IPv6]:port */
        const char *close = memchr(start, ']', (size_t)(end - start));
        if (close)
            return strndup(start + 1, (size_t)(close - start - 1));
    }
    const char *colon = memchr(start, ':', (size_t)(end - start));
    if (colon)
        end = colon;
    return end > start ? strndup(start, (size_t)(end - start)) : NULL;
}

/* ---- hostname ---------------------------------------------------------- */

static bool address_is_loopback(const struct sockaddr *address)
{
    if (address->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)address;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (address->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)address;
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

void preflight_resolve(const char *name, bool *resolved, bool *loopback_only,
                       char address[64], char **error)
{
    *resolved = false;
    *loopback_only = false;
    address[0] = '\0';
    if (error)
        *error = NULL;
    if (!name || !*name) {
        if (error)
            *error = strdup("no name to resolve");
        return;
    }
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo *list = NULL;
    int rc = getaddrinfo(name, NULL, &hints, &list);
    if (rc != 0) {
        if (error)
            *error = strdup(gai_strerror(rc));
        return;
    }
    *resolved = true;
    *loopback_only = true;
    for (struct addrinfo *entry = list; entry; entry = entry->ai_next) {
        bool loopback = address_is_loopback(entry->ai_addr);
        if (!loopback)
            *loopback_only = false;
        if (address[0] && (loopback || !*loopback_only))
            continue;
        /* the first address, replaced by the first non-loopback one */
        if (!address[0] || !loopback)
            getnameinfo(entry->ai_addr, entry->ai_addrlen, address, 64, NULL, 0, NI_NUMERICHOST);
    }
    freeaddrinfo(list);
}

/* ---- CPU --------------------------------------------------------------- */

PreflightCpuResult preflight_compare_cpu(virConnectPtr dest, const DomainXmlInfo *domain,
                                         char **error)
{
    if (error)
        *error = NULL;
    if (!domain || !domain->cpu_xml)
        return PREFLIGHT_CPU_NOT_COMPARED;
    /* FAIL_INCOMPATIBLE makes libvirt say which features are missing. */
    int rc = virConnectCompareHypervisorCPU(dest, NULL, domain->os_arch, domain->os_machine,
                                            domain->type, domain->cpu_xml,
                                            VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE);
    switch (rc) {
    case VIR_CPU_COMPARE_IDENTICAL: return PREFLIGHT_CPU_IDENTICAL;
    case VIR_CPU_COMPARE_SUPERSET:  return PREFLIGHT_CPU_SUPERSET;
    case VIR_CPU_COMPARE_INCOMPATIBLE: return PREFLIGHT_CPU_INCOMPATIBLE;
    default: break;
    }
    bool incompatible = virGetLastErrorCode() == VIR_ERR_CPU_INCOMPATIBLE;
    if (error)
        *error = libvirt_error_message(NULL);
    return incompatible ? PREFLIGHT_CPU_INCOMPATIBLE : PREFLIGHT_CPU_NOT_COMPARED;
}

static void gather_cpu(PreflightGathered *g, virConnectPtr dest)
{
    g->facts.cpu_result = preflight_compare_cpu(dest, g->domain, &g->cpu_error);
    char *xml = virConnectGetCapabilities(dest);
    CapabilitiesInfo *caps = NULL;
    if (xml && capabilities_xml_parse(xml, &caps, NULL) == 0 && caps && caps->cpu_model)
        g->dest_cpu_model = strdup(caps->cpu_model);
    capabilities_info_free(caps);
    free(xml);
}

/* ---- name / UUID --------------------------------------------------------- */

static void describe_dest_domain(virDomainPtr domain, PreflightDestDomain *out)
{
    memset(out, 0, sizeof(*out));
    if (!domain)
        return;
    out->exists = true;
    out->active = virDomainIsActive(domain) == 1;
    out->persistent = virDomainIsPersistent(domain) == 1;
    const char *name = virDomainGetName(domain);
    snprintf(out->name, sizeof(out->name), "%s", name ? name : "?");
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (virDomainGetUUIDString(domain, uuid) == 0)
        snprintf(out->uuid, sizeof(out->uuid), "%s", uuid);
    virDomainFree(domain);
}

static void gather_names(PreflightGathered *g, virConnectPtr dest, const char *uuid,
                         const MigrateOptions *options)
{
    describe_dest_domain(virDomainLookupByUUIDString(dest, uuid), &g->facts.dest_by_uuid);
    const char *name = options && options->dname && *options->dname ? options->dname
                                                                    : g->domain->name;
    if (name)
        describe_dest_domain(virDomainLookupByName(dest, name), &g->facts.dest_by_name);
}

/* ---- storage ------------------------------------------------------------- */

typedef struct {
    char name[64];
    char *target_path;
} PoolTarget;

/* The destination's active pools and their target paths. */
static PoolTarget *list_pool_targets(virConnectPtr conn, size_t *count, char *error,
                                     size_t error_size)
{
    *count = 0;
    virStoragePoolPtr *pools = NULL;
    int n = virConnectListAllStoragePools(conn, &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE);
    if (n < 0) {
        copy_error(error, error_size, "list storage pools");
        return NULL;
    }
    PoolTarget *targets = calloc(n > 0 ? (size_t)n : 1, sizeof(*targets));
    for (int i = 0; i < n; i++) {
        char *xml = targets ? virStoragePoolGetXMLDesc(pools[i], 0) : NULL;
        StoragePoolInfo *info = NULL;
        if (xml && storage_pool_xml_parse(xml, &info, NULL) == 0 && info->target_path) {
            snprintf(targets[*count].name, sizeof(targets[*count].name), "%s",
                     info->name ? info->name : "?");
            targets[*count].target_path = strdup(info->target_path);
            if (targets[*count].target_path)
                (*count)++;
        }
        storage_pool_info_free(info);
        free(xml);
        virStoragePoolFree(pools[i]);
    }
    free(pools);
    if (!targets)
        snprintf(error, error_size, "out of memory listing storage pools");
    return targets;
}

static void free_pool_targets(PoolTarget *targets, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(targets[i].target_path);
    free(targets);
}

/* The type of the pool that holds a volume ("" when unknown). */
static void pool_type_of(virStorageVolPtr volume, char *type, size_t size)
{
    type[0] = '\0';
    virStoragePoolPtr pool = volume ? virStoragePoolLookupByVolume(volume) : NULL;
    char *xml = pool ? virStoragePoolGetXMLDesc(pool, 0) : NULL;
    StoragePoolInfo *info = NULL;
    if (xml && storage_pool_xml_parse(xml, &info, NULL) == 0 && info->type)
        snprintf(type, size, "%s", info->type);
    storage_pool_info_free(info);
    free(xml);
    if (pool)
        virStoragePoolFree(pool);
}

/* Looks a path up as a volume: 1 found (*volume set when asked), 0 absent,
 * -1 the lookup failed for another reason (message in error). */
static int lookup_volume(virConnectPtr conn, const char *path, virStorageVolPtr *volume,
                         char *error, size_t error_size, const char *host)
{
    virStorageVolPtr found = virStorageVolLookupByPath(conn, path);
    if (found) {
        if (volume)
            *volume = found;
        else
            virStorageVolFree(found);
        return 1;
    }
    int code = virGetLastErrorCode();
    if (code == VIR_ERR_NO_STORAGE_VOL || code == VIR_ERR_NO_STORAGE_POOL)
        return 0;
    copy_error(error, error_size, "%s: look up %s", host, path);
    return -1;
}

static void directory_of(const char *path, char *buffer, size_t size)
{
    const char *slash = strrchr(path, '/');
    int length = !slash ? 0 : slash == path ? 1 : (int)(slash - path);
    snprintf(buffer, size, "%.*s", length, path);
}

static void gather_disk(const DomainDisk *disk, PreflightDiskFacts *out, virConnectPtr source,
                        virConnectPtr dest, const PoolTarget *pools, size_t pool_count,
                        const char *pools_error, const char *source_name, const char *dest_name)
{
    out->checked = true;
    const char *type = disk->source_type ? disk->source_type : "file";
    if (strcmp(type, "network") == 0)
        return;
    if (strcmp(type, "volume") == 0) {
        /* <source pool=P volume=V>: the same pool and volume on the destination. */
        virStoragePoolPtr pool = disk->source_pool ? virStoragePoolLookupByName(dest,
                                                                                disk->source_pool)
                                                   : NULL;
        virStorageVolPtr volume = pool && disk->source_name
                                      ? virStorageVolLookupByName(pool, disk->source_name) : NULL;
        out->dest_volume_exists = volume != NULL;
        if (volume)
            virStorageVolFree(volume);
        if (pool)
            virStoragePoolFree(pool);
        virStoragePoolPtr source_pool = disk->source_pool
                                            ? virStoragePoolLookupByName(source, disk->source_pool)
                                            : NULL;
        char *xml = source_pool ? virStoragePoolGetXMLDesc(source_pool, 0) : NULL;
        StoragePoolInfo *info = NULL;
        if (xml && storage_pool_xml_parse(xml, &info, NULL) == 0 && info->type)
            snprintf(out->source_pool_type, sizeof(out->source_pool_type), "%s", info->type);
        storage_pool_info_free(info);
        free(xml);
        if (source_pool)
            virStoragePoolFree(source_pool);
        return;
    }
    const char *path = disk->source_file ? disk->source_file : disk->source_dev;
    if (!path)
        return;
    virStorageVolPtr source_volume = NULL;
    if (lookup_volume(source, path, &source_volume, out->lookup_error, sizeof(out->lookup_error),
                      source_name) == 1) {
        pool_type_of(source_volume, out->source_pool_type, sizeof(out->source_pool_type));
        virStorageVolFree(source_volume);
    }
    int found = lookup_volume(dest, path, NULL, out->lookup_error, sizeof(out->lookup_error),
                              dest_name);
    if (found < 0) {
        out->checked = false;
        return;
    }
    out->dest_volume_exists = found == 1;
    char directory[512];
    directory_of(path, directory, sizeof(directory));
    for (size_t i = 0; i < pool_count; i++) {
        if (strcmp(pools[i].target_path, directory) == 0) {
            snprintf(out->dest_pool_for_dir, sizeof(out->dest_pool_for_dir), "%s", pools[i].name);
            break;
        }
    }
    if (!pools && pools_error[0] && !out->dest_volume_exists) {
        out->checked = false;
        snprintf(out->lookup_error, sizeof(out->lookup_error), "%s", pools_error);
    }
}

static int gather_storage(PreflightGathered *g, virConnectPtr source, virConnectPtr dest,
                          const PreflightInput *input)
{
    size_t count = g->domain->disk_count;
    if (count == 0)
        return 0;
    if (!(g->disks = calloc(count, sizeof(*g->disks))))
        return -1;
    char pools_error[192] = "";
    size_t pool_count = 0;
    PoolTarget *pools = list_pool_targets(dest, &pool_count, pools_error, sizeof(pools_error));
    for (size_t i = 0; i < count; i++)
        gather_disk(&g->domain->disks[i], &g->disks[i], source, dest, pools, pool_count,
                    pools_error, input->source_name, input->dest_name);
    free_pool_targets(pools, pool_count);
    g->facts.disks = g->disks;
    return 0;
}

/* ---- networks ------------------------------------------------------------ */

static void gather_interface(const DomainInterface *interface, PreflightNetFacts *out,
                             virConnectPtr dest, const char *dest_name)
{
    const char *type = interface->type ? interface->type : "";
    const char *source = interface->source;
    out->checked = true;
    if (!source)
        return;
    if (strcmp(type, "network") == 0) {
        virNetworkPtr network = virNetworkLookupByName(dest, source);
        if (!network) {
            if (virGetLastErrorCode() != VIR_ERR_NO_NETWORK) {
                out->checked = false;
                copy_error(out->lookup_error, sizeof(out->lookup_error), "%s: look up network %s",
                           dest_name, source);
            }
            return;
        }
        out->exists = true;
        out->active = virNetworkIsActive(network) == 1;
        virNetworkFree(network);
        return;
    }
    if (strcmp(type, "bridge") == 0 || strcmp(type, "direct") == 0) {
        virInterfacePtr host_interface = virInterfaceLookupByName(dest, source);
        if (!host_interface) {
            if (virGetLastErrorCode() != VIR_ERR_NO_INTERFACE) {
                out->checked = false;
                copy_error(out->lookup_error, sizeof(out->lookup_error),
                           "%s: look up host interface %s", dest_name, source);
            }
            return;
        }
        out->exists = true;
        out->active = virInterfaceIsActive(host_interface) == 1;
        virInterfaceFree(host_interface);
    }
}

static int gather_networks(PreflightGathered *g, virConnectPtr dest, const PreflightInput *input)
{
    size_t count = g->domain->interface_count;
    if (count == 0)
        return 0;
    if (!(g->interfaces = calloc(count, sizeof(*g->interfaces))))
        return -1;
    for (size_t i = 0; i < count; i++)
        gather_interface(&g->domain->interfaces[i], &g->interfaces[i], dest, input->dest_name);
    g->facts.interfaces = g->interfaces;
    return 0;
}

/* ---- dirty rate ---------------------------------------------------------- */

double preflight_measure_dirty_rate(virDomainPtr domain, const char *host_name, unsigned seconds,
                                    bool (*cancelled)(void *opaque), void *opaque, char **error)
{
    DirtyRateReading before, reading;
    if (dirty_rate_read(domain, host_name, &before, error) < 0)
        return -1;
    /* Someone else's measurement (the console samples the selected guest)
     * answers the question as well as ours would: wait for it instead. */
    bool theirs = before.status == DIRTY_RATE_MEASURING;
    if (!theirs && dirty_rate_start(domain, host_name, (int)seconds, false, NULL, error) < 0) {
        DirtyRateReading now;
        char *ignored = NULL;
        if (dirty_rate_read(domain, host_name, &now, &ignored) < 0 ||
            now.status != DIRTY_RATE_MEASURING) {
            free(ignored);
            return -1;
        }
        if (error) {
            free(*error);
            *error = NULL;
        }
        before = now;
        theirs = true;
    }
    /* QEMU answers after `seconds`; allow as much again and a few seconds on a
     * loaded host. */
    unsigned waited_ms = 0, limit_ms = seconds * 2000u + 5000u;
    while (waited_ms < limit_ms) {
        sleep_ms(200);
        waited_ms += 200;
        if (cancelled && cancelled(opaque))
            return error_set(error, "%s: dirty-rate measurement cut short (the engine stops)",
                             host_name ? host_name : "source");
        if (dirty_rate_read(domain, host_name, &reading, error) < 0)
            return -1;
        bool fresh = theirs || reading.start_time != before.start_time ||
                     before.status != DIRTY_RATE_MEASURED;
        if (reading.status == DIRTY_RATE_MEASURED && reading.has_rate && fresh)
            return (double)reading.megabytes_per_second;
    }
    return error_set(error, "%s: no dirty-rate result after %u s", host_name ? host_name : "source",
                     limit_ms / 1000);
}

static void gather_dirty_rate(PreflightGathered *g, virDomainPtr domain, bool active,
                              const MigrateOptions *options, const PreflightInput *input)
{
    PreflightLimits limits;
    preflight_limits_from_domain(g->domain, &limits);
    if (input->dirty_rate_known) {
        g->facts.dirty_rate_known = true;
        g->facts.dirty_rate_mibs = input->dirty_rate_mibs;
        snprintf(g->dirty_rate_origin, sizeof(g->dirty_rate_origin), "%s",
                 input->dirty_rate_origin ? input->dirty_rate_origin : "last sample");
        return;
    }
    if (!active || (options && options->offline) || limits.no_dirty_rate ||
        input->measure_seconds == 0) {
        g->dirty_rate_error = strdup(active ? "not measured" : "the guest is not running");
        return;
    }
    double rate = preflight_measure_dirty_rate(domain, input->source_name, input->measure_seconds,
                                               input->cancelled, input->opaque,
                                               &g->dirty_rate_error);
    if (rate < 0)
        return;
    g->facts.dirty_rate_known = true;
    g->facts.dirty_rate_mibs = rate;
    snprintf(g->dirty_rate_origin, sizeof(g->dirty_rate_origin), "measured over %u s",
             input->measure_seconds);
}

/* ---- all of it ------------------------------------------------------------ */

void preflight_gathered_free(PreflightGathered *g)
{
    if (!g)
        return;
    domain_xml_free(g->domain);
    free(g->disks);
    free(g->interfaces);
    free(g->source_hv_type);
    free(g->dest_hv_type);
    free(g->cpu_error);
    free(g->dest_cpu_model);
    free(g->dest_hostname);
    free(g->hostname_error);
    free(g->dest_uri_host);
    free(g->dirty_rate_error);
    free(g);
}

static void gather_versions(PreflightGathered *g, virConnectPtr source, virConnectPtr dest)
{
    PreflightFacts *f = &g->facts;
    const char *type = virConnectGetType(source);
    g->source_hv_type = type ? strdup(type) : NULL;
    type = virConnectGetType(dest);
    g->dest_hv_type = type ? strdup(type) : NULL;
    if (virConnectGetLibVersion(source, &f->source_libvirt_version) < 0)
        f->source_libvirt_version = 0;
    if (virConnectGetLibVersion(dest, &f->dest_libvirt_version) < 0)
        f->dest_libvirt_version = 0;
    if (virConnectGetVersion(source, &f->source_hv_version) < 0)
        f->source_hv_version = 0;
    if (virConnectGetVersion(dest, &f->dest_hv_version) < 0)
        f->dest_hv_version = 0;
    f->source_hv_type = g->source_hv_type;
    f->dest_hv_type = g->dest_hv_type;
}

static void gather_hostname(PreflightGathered *g, virConnectPtr dest, const PreflightInput *input)
{
    PreflightFacts *f = &g->facts;
    g->dest_hostname = virConnectGetHostname(dest);
    if (!g->dest_hostname)
        g->hostname_error = libvirt_error_message("%s: hostname", input->dest_name);
    else
        preflight_resolve(g->dest_hostname, &f->hostname_resolved, &f->hostname_loopback_only,
                          f->hostname_address, &g->hostname_error);
    g->dest_uri_host = preflight_uri_host(input->dest_uri);
    f->dest_hostname = g->dest_hostname;
    f->hostname_error = g->hostname_error;
    f->dest_uri_host = g->dest_uri_host;
}

int preflight_gather(virConnectPtr source, virConnectPtr dest, const char *uuid,
                     const MigrateOptions *options, const PreflightInput *input,
                     PreflightGathered **out, char **error)
{
    *out = NULL;
    if (!source || !dest || !uuid || !input)
        return error_set(error,
                         "pre-flight checks: no connection or domain given (a program error)");
    PreflightGathered *g = calloc(1, sizeof(*g));
    if (!g)
        return error_set(error, "out of memory for the pre-flight checks");
    PreflightFacts *f = &g->facts;
    f->source_name = input->source_name;
    f->dest_name = input->dest_name;
    f->dest_connected = true;

    virDomainPtr domain = virDomainLookupByUUIDString(source, uuid);
    if (!domain) {
        libvirt_error_set(error, "%s: pre-flight checks: find domain %s", input->source_name, uuid);
        preflight_gathered_free(g);
        return -1;
    }
    /* The migratable XML is what the destination will be given (a network
     * interface names its network, not the bridge it resolved to here). */
    char *xml = virDomainGetXMLDesc(domain, VIR_DOMAIN_XML_MIGRATABLE);
    if (!xml) {
        libvirt_error_set(error, "%s: pre-flight checks: read the XML of %s", input->source_name,
                          uuid);
        goto fail;
    }
    int parsed = domain_xml_parse_string(xml, "the domain's XML", &g->domain, error);
    free(xml);
    if (parsed < 0)
        goto fail;
    f->domain = g->domain;
    f->domain_active = virDomainIsActive(domain) == 1;

    gather_versions(g, source, dest);
    gather_cpu(g, dest);
    f->cpu_error = g->cpu_error;
    f->dest_cpu_model = g->dest_cpu_model;

    unsigned long long free_bytes = virNodeGetFreeMemory(dest);
    f->dest_free_memory_known = free_bytes > 0;
    f->dest_free_memory_bytes = free_bytes;

    gather_names(g, dest, uuid, options);
    if (gather_storage(g, source, dest, input) < 0 || gather_networks(g, dest, input) < 0) {
        error_set(error, "out of memory for the pre-flight checks");
        goto fail;
    }
    gather_hostname(g, dest, input);
    gather_dirty_rate(g, domain, f->domain_active, options, input);
    f->dirty_rate_origin = g->dirty_rate_origin;
    f->dirty_rate_error = g->dirty_rate_error;

    virDomainFree(domain);
    *out = g;
    return 0;

 fail:
    virDomainFree(domain);
    preflight_gathered_free(g);
    return -1;
}
