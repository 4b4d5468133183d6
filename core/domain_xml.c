/* Domain XML, read with libxml2 and XPath: see domain_xml.h. */
#include "domain_xml.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml_util.h"

/* ---- numbers ---------------------------------------------------------- */

/* libvirt's memory units, case-insensitive: "b"/"bytes"; a letter alone or with
 * "iB" ("k", "KiB", "M", "MiB"...) is a power of 1024; with "B" ("KB", "MB"...)
 * a power of 1000; no unit means KiB. Returns the scale in bytes, 0 if unknown. */
static unsigned long long memory_unit_scale(const char *unit)
{
    if (!unit)
        return 1024;
    if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "bytes") == 0)
        return 1;
    unsigned long long base;
    if (unit[0] && !unit[1])
        base = 1024;
    else if (unit[0] && strcasecmp(unit + 1, "iB") == 0)
        base = 1024;
    else if (unit[0] && (unit[1] == 'b' || unit[1] == 'B') && !unit[2])
        base = 1000;
    else
        return 0;
    static const char prefixes[] = "kmgtpe";
    const char *at = strchr(prefixes, unit[0] | 0x20);
    if (!at || unit[0] == '\0')
        return 0;
    unsigned long long scale = 1;
    for (const char *p = prefixes; p <= at; p++)
        scale *= base;
    return scale;
}

/* Reads <element unit=...>N</element> under the root into KiB (rounded up, as
 * libvirt does). Absent element: *out_kib = 0 and *present = false. */
static int read_memory_kib(xmlXPathContextPtr xpath, xmlNodePtr root, const char *element,
                           const char *source, uint64_t *out_kib, bool *present, char **error)
{
    char expr[64];
    char *text = NULL;
    char *unit = NULL;
    int rc = -1;
    *out_kib = 0;
    *present = false;

    snprintf(expr, sizeof(expr), "./%s[1]", element);
    if (xml_xp_string(xpath, root, expr, &text) < 0)
        goto oom;
    snprintf(expr, sizeof(expr), "./%s[1]/@unit", element);
    if (xml_xp_string(xpath, root, expr, &unit) < 0)
        goto oom;
    if (!text) {
        rc = 0;
        goto cleanup;
    }
    unsigned long long value = 0;
    if (xml_parse_unsigned(text, 10, &value) < 0) {
        xml_set_error(error, "%s: <%s> is '%s', not a whole number: write the size in KiB, "
                  "e.g. <%s unit='KiB'>1048576</%s>", source, element, text, element, element);
        goto cleanup;
    }
    unsigned long long scale = memory_unit_scale(unit);
    if (scale == 0) {
        xml_set_error(error, "%s: <%s unit='%s'>: unknown unit; use b, KiB, MiB, GiB or TiB",
                  source, element, unit);
        goto cleanup;
    }
    if (value > ULLONG_MAX / scale) {
        xml_set_error(error, "%s: <%s> %s %s is too large", source, element, text,
                  unit ? unit : "KiB");
        goto cleanup;
    }
    unsigned long long bytes = value * scale;
    *out_kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    *present = true;
    rc = 0;
    goto cleanup;
oom:
    xml_set_oom(error, source);
cleanup:
    free(text);
    free(unit);
    return rc;
}

/* ---- domain ----------------------------------------------------------- */

void domain_xml_free(DomainXmlInfo *info)
{
    if (!info)
        return;
    free(info->name);
    free(info->uuid);
    free(info->type);
    free(info->os_type);
    free(info->os_arch);
    free(info->os_machine);
    free(info->cpu_mode);
    free(info->cpu_model);
    free(info->cpu_xml);
    for (size_t i = 0; i < info->disk_count; i++) {
        DomainDisk *disk = &info->disks[i];
        free(disk->target_dev);
        free(disk->target_bus);
        free(disk->device);
        free(disk->source_type);
        free(disk->source_file);
        free(disk->source_dev);
        free(disk->source_protocol);
        free(disk->source_name);
        free(disk->source_pool);
        free(disk->source_host);
        free(disk->source_port);
        free(disk->driver_type);
        free(disk->cache_mode);
    }
    free(info->disks);
    for (size_t i = 0; i < info->interface_count; i++) {
        free(info->interfaces[i].type);
        free(info->interfaces[i].source);
        free(info->interfaces[i].mac);
        free(info->interfaces[i].model);
    }
    free(info->interfaces);
    for (size_t i = 0; i < info->hostdev_count; i++)
        free(info->hostdevs[i].type);
    free(info->hostdevs);
    free(info);
}

/* Fills one disk from its <disk> node. -1 with *error on a missing target or OOM. */
static int read_disk(xmlXPathContextPtr xpath, xmlNodePtr node, size_t index,
                     const char *source, void *element, char **error)
{
    DomainDisk *disk = element;
    static const struct { const char *expr; size_t offset; } fields[] = {
        {"./target/@dev", offsetof(DomainDisk, target_dev)},
        {"./target/@bus", offsetof(DomainDisk, target_bus)},
        {"./@device", offsetof(DomainDisk, device)},
        {"./@type", offsetof(DomainDisk, source_type)},
        {"./source/@file", offsetof(DomainDisk, source_file)},
        {"./source/@dev", offsetof(DomainDisk, source_dev)},
        {"./source/@protocol", offsetof(DomainDisk, source_protocol)},
        {"./source/@pool", offsetof(DomainDisk, source_pool)},
        {"./source/host[1]/@name", offsetof(DomainDisk, source_host)},
        {"./source/host[1]/@port", offsetof(DomainDisk, source_port)},
        {"./driver/@type", offsetof(DomainDisk, driver_type)},
        {"./driver/@cache", offsetof(DomainDisk, cache_mode)},
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        char **slot = (char **)((char *)disk + fields[i].offset);
        if (xml_xp_string(xpath, node, fields[i].expr, slot) < 0)
            goto oom;
    }
    /* A network disk names its image with source/@name, a volume disk with
     * source/@volume: both are "which object in that storage". */
    if (xml_xp_string(xpath, node, "./source/@name", &disk->source_name) < 0)
        goto oom;
    if (!disk->source_name &&
        xml_xp_string(xpath, node, "./source/@volume", &disk->source_name) < 0)
        goto oom;
    if (!disk->device && !(disk->device = strdup("disk")))
        goto oom;
    if (!disk->source_type && !(disk->source_type = strdup("file")))
        goto oom;
    if (xml_xp_bool(xpath, node, "boolean(./readonly)", &disk->readonly) < 0 ||
        xml_xp_bool(xpath, node, "boolean(./shareable)", &disk->shareable) < 0)
        goto oom;
    if (!disk->target_dev) {
        xml_set_error(error, "%s: disk %zu (<disk> number %zu under <devices>) has no "
                  "<target dev=.../>: every disk needs a target name such as vda",
                  source, index + 1, index + 1);
        return -1;
    }
    return 0;
oom:
    xml_set_oom(error, source);
    return -1;
}


static int read_interface(xmlXPathContextPtr xpath, xmlNodePtr node, size_t index,
                          const char *source, void *element, char **error)
{
    (void)index;
    DomainInterface *interface = element;
    if (xml_xp_string(xpath, node, "./@type", &interface->type) < 0 ||
        xml_xp_string(xpath, node, "./mac/@address", &interface->mac) < 0 ||
        xml_xp_string(xpath, node, "./model/@type", &interface->model) < 0)
        goto oom;
    /* type network: source/@network; bridge: source/@bridge; direct: source/@dev */
    if (xml_xp_string(xpath, node, "./source/@network", &interface->source) < 0)
        goto oom;
    if (!interface->source &&
        xml_xp_string(xpath, node, "./source/@bridge", &interface->source) < 0)
        goto oom;
    if (!interface->source &&
        xml_xp_string(xpath, node, "./source/@dev", &interface->source) < 0)
        goto oom;
    return 0;
oom:
    xml_set_oom(error, source);
    return -1;
}

/* A PCI address attribute ("0x0000", "0x03"...), with libvirt's bounds. */
static int read_pci_part(xmlXPathContextPtr xpath, xmlNodePtr node, const char *attribute,
                         unsigned max, unsigned *out, const char *source, size_t index,
                         char **error)
{
    char expr[64];
    char *text = NULL;
    snprintf(expr, sizeof(expr), "./source/address/@%s", attribute);
    if (xml_xp_string(xpath, node, expr, &text) < 0) {
        xml_set_oom(error, source);
        return -1;
    }
    unsigned long long value = 0;
    if (!text) {
        *out = 0;       /* libvirt's default for an omitted PCI domain */
        return 0;
    }
    if (xml_parse_unsigned(text, 0, &value) < 0 || value > max) {
        xml_set_error(error, "%s: hostdev %zu: PCI address %s='%s' is not a number from 0 to "
                  "0x%x: write it like %s='0x%02x'", source, index + 1, attribute, text, max,
                  attribute, 0);
        free(text);
        return -1;
    }
    free(text);
    *out = (unsigned)value;
    return 0;
}

static int read_hostdev(xmlXPathContextPtr xpath, xmlNodePtr node, size_t index,
                        const char *source, void *element, char **error)
{
    DomainHostdev *hostdev = element;
    bool has_address = false;
    if (xml_xp_string(xpath, node, "./@type", &hostdev->type) < 0 ||
        xml_xp_bool(xpath, node, "boolean(./source/address/@bus)", &has_address) < 0) {
        xml_set_oom(error, source);
        return -1;
    }
    if (!hostdev->type || strcmp(hostdev->type, "pci") != 0 || !has_address)
        return 0;
    if (read_pci_part(xpath, node, "domain", 0xffff, &hostdev->pci_domain, source, index,
                      error) < 0 ||
        read_pci_part(xpath, node, "bus", 0xff, &hostdev->pci_bus, source, index, error) < 0 ||
        read_pci_part(xpath, node, "slot", 0x1f, &hostdev->pci_slot, source, index,
                      error) < 0 ||
        read_pci_part(xpath, node, "function", 0x7, &hostdev->pci_function, source, index,
                      error) < 0)
        return -1;
    hostdev->has_pci_address = true;
    snprintf(hostdev->pci_address, sizeof(hostdev->pci_address), "%04x:%02x:%02x.%x",
             hostdev->pci_domain, hostdev->pci_bus, hostdev->pci_slot,
             hostdev->pci_function);
    return 0;
}

/* Serialises /domain/cpu (if any) into info->cpu_xml. */
static int read_cpu(xmlXPathContextPtr xpath, xmlDocPtr doc, xmlNodePtr root,
                    const char *source, DomainXmlInfo *info, char **error)
{
    int rc = -1;
    xmlBufferPtr buffer = NULL;
    xmlXPathObjectPtr nodes = xml_xp_nodes(xpath, root, "./cpu[1]");
    if (!nodes)
        goto oom;
    if (xml_xp_string(xpath, root, "./cpu[1]/@mode", &info->cpu_mode) < 0 ||
        xml_xp_string(xpath, root, "./cpu[1]/model", &info->cpu_model) < 0)
        goto oom;
    if (xml_node_count(nodes) == 0) {
        rc = 0;
        goto cleanup;
    }
    if (!(buffer = xmlBufferCreate()))
        goto oom;
    if (xmlNodeDump(buffer, doc, nodes->nodesetval->nodeTab[0], 0, 0) < 0)
        goto oom;
    if (!(info->cpu_xml = strdup((const char *)xmlBufferContent(buffer))))
        goto oom;
    rc = 0;
    goto cleanup;
oom:
    xml_set_oom(error, source);
cleanup:
    xmlBufferFree(buffer);
    xmlXPathFreeObject(nodes);
    return rc;
}

static int read_vcpus(xmlXPathContextPtr xpath, xmlNodePtr root, const char *source,
                      DomainXmlInfo *info, char **error)
{
    char *text = NULL;
    char *current = NULL;
    int rc = -1;
    unsigned long long value = 1;
    if (xml_xp_string(xpath, root, "./vcpu[1]", &text) < 0 ||
        xml_xp_string(xpath, root, "./vcpu[1]/@current", &current) < 0) {
        xml_set_oom(error, source);
        goto cleanup;
    }
    if (text && (xml_parse_unsigned(text, 10, &value) < 0 || value == 0 || value > UINT_MAX)) {
        xml_set_error(error, "%s: <vcpu> is '%s': write the number of virtual CPUs, e.g. "
                  "<vcpu>2</vcpu>", source, text);
        goto cleanup;
    }
    info->vcpus = (unsigned)value;
    info->vcpus_current = info->vcpus;
    if (current) {
        unsigned long long now = 0;
        if (xml_parse_unsigned(current, 10, &now) < 0 || now == 0 || now > value) {
            xml_set_error(error, "%s: <vcpu current='%s'> must be a number from 1 to %llu "
                      "(the <vcpu> maximum)", source, current, value);
            goto cleanup;
        }
        info->vcpus_current = (unsigned)now;
    }
    rc = 0;
cleanup:
    free(text);
    free(current);
    return rc;
}

/* The arrays are read through void pointers (xml_read_array serves every
 * element type) and stored into their typed fields even on failure, so
 * domain_xml_free frees what was filled. */
static int read_devices(xmlXPathContextPtr xpath, xmlNodePtr root, const char *source,
                        DomainXmlInfo *info, char **error)
{
    void *disks = NULL, *interfaces = NULL, *hostdevs = NULL;
    int rc = xml_read_array(xpath, root, "./devices/disk", source, sizeof(*info->disks),
                            read_disk, &disks, &info->disk_count, error);
    info->disks = disks;
    if (rc == 0)
        rc = xml_read_array(xpath, root, "./devices/interface", source,
                            sizeof(*info->interfaces), read_interface, &interfaces,
                            &info->interface_count, error);
    info->interfaces = interfaces;
    if (rc == 0)
        rc = xml_read_array(xpath, root, "./devices/hostdev", source,
                            sizeof(*info->hostdevs), read_hostdev, &hostdevs,
                            &info->hostdev_count, error);
    info->hostdevs = hostdevs;
    return rc;
}

static int read_domain(xmlXPathContextPtr xpath, xmlDocPtr doc, xmlNodePtr root,
                       const char *source, void *target, char **error)
{
    DomainXmlInfo *info = target;
    if (xml_xp_string(xpath, root, "./name[1]", &info->name) < 0 ||
        xml_xp_string(xpath, root, "./uuid[1]", &info->uuid) < 0 ||
        xml_xp_string(xpath, root, "./@type", &info->type) < 0 ||
        xml_xp_string(xpath, root, "./os[1]/type[1]", &info->os_type) < 0 ||
        xml_xp_string(xpath, root, "./os[1]/type[1]/@arch", &info->os_arch) < 0 ||
        xml_xp_string(xpath, root, "./os[1]/type[1]/@machine", &info->os_machine) < 0 ||
        xml_xp_bool(xpath, root, "boolean(./devices/iommu)", &info->has_iommu) < 0) {
        xml_set_oom(error, source);
        return -1;
    }
    if (!info->name) {
        xml_set_error(error, "%s: the domain has no <name>: add <name>...</name> under <domain>",
                  source);
        return -1;
    }
    if (!info->type) {
        xml_set_error(error, "%s: <domain> has no type attribute: write <domain type='kvm'>",
                  source);
        return -1;
    }
    bool present = false;
    if (read_memory_kib(xpath, root, "memory", source, &info->memory_kib, &present,
                        error) < 0 ||
        read_memory_kib(xpath, root, "currentMemory", source, &info->current_memory_kib,
                        &present, error) < 0)
        return -1;
    if (!present)
        info->current_memory_kib = info->memory_kib;
    if (read_vcpus(xpath, root, source, info, error) < 0 ||
        read_cpu(xpath, doc, root, source, info, error) < 0 ||
        read_devices(xpath, root, source, info, error) < 0)
        return -1;
    return 0;
}

int domain_xml_parse_string(const char *xml, const char *source, DomainXmlInfo **out,
                            char **error)
{
    if (!source)
        source = "domain XML";
    *out = NULL;
    DomainXmlInfo *info = calloc(1, sizeof(*info));
    if (!info) {
        xml_set_oom(error, source);
        return -1;
    }
    if (xml_read_document(xml, source, "domain", read_domain, info, error) < 0) {
        domain_xml_free(info);
        return -1;
    }
    *out = info;
    return 0;
}

int domain_xml_parse_file(const char *path, DomainXmlInfo **out, char **error)
{
    *out = NULL;
    char *text = domain_xml_read_file(path, error);
    if (!text)
        return -1;
    int rc = domain_xml_parse_string(text, path, out, error);
    free(text);
    return rc;
}

const DomainDisk *domain_xml_find_disk(const DomainXmlInfo *info, const char *target_dev)
{
    if (!info || !target_dev)
        return NULL;
    for (size_t i = 0; i < info->disk_count; i++)
        if (info->disks[i].target_dev && strcmp(info->disks[i].target_dev, target_dev) == 0)
            return &info->disks[i];
    return NULL;
}

bool domain_xml_disk_is_copied(const DomainDisk *disk, char *const *migrate_disks,
                               size_t migrate_disks_count)
{
    if (!disk || !disk->target_dev)
        return false;
    if (migrate_disks_count > 0) {
        for (size_t i = 0; i < migrate_disks_count; i++)
            if (migrate_disks[i] && strcmp(migrate_disks[i], disk->target_dev) == 0)
                return true;
        return false;
    }
    bool has_source = disk->source_file || disk->source_dev || disk->source_name;
    return has_source && !disk->readonly && !disk->shareable;
}

typedef struct {
    const char *new_name;
    char *result;          /* the renamed document, malloc'd */
} Rename;

static int rename_document(xmlXPathContextPtr xpath, xmlDocPtr doc, xmlNodePtr root,
                           const char *source, void *target, char **error)
{
    Rename *rename = target;
    int rc = -1;
    xmlChar *dump = NULL;
    xmlXPathObjectPtr nodes = xml_xp_nodes(xpath, root, "./name");
    if (!nodes) {
        xml_set_oom(error, source);
        goto cleanup;
    }
    if (xml_node_count(nodes) != 1) {
        xml_set_error(error, "%s: expected exactly one <name> under <domain>, found %zu",
                  source, xml_node_count(nodes));
        goto cleanup;
    }
    xmlNodePtr name = nodes->nodesetval->nodeTab[0];
    /* Drop the old text, then add the new one as literal text: xmlNodeAddContent
     * does not interpret '&' or '<', so any name round-trips escaped. */
    xmlNodeSetContent(name, NULL);
    xmlNodeAddContent(name, (const xmlChar *)rename->new_name);
    int size = 0;
    xmlDocDumpMemory(doc, &dump, &size);
    if (!dump || size < 0 || !(rename->result = strndup((const char *)dump, (size_t)size))) {
        xml_set_oom(error, source);
        goto cleanup;
    }
    rc = 0;
cleanup:
    xmlFree(dump);
    xmlXPathFreeObject(nodes);
    return rc;
}

char *domain_xml_rename(const char *xml, const char *new_name, char **error)
{
    if (!new_name || !*new_name) {
        xml_set_error(error, "cannot rename the domain XML to an empty name: give a name");
        return NULL;
    }
    Rename rename = { .new_name = new_name, .result = NULL };
    if (xml_read_document(xml, "domain XML", "domain", rename_document, &rename, error) < 0)
        return NULL;
    return rename.result;
}
