/* Domain, capabilities and storage pool XML, read with libxml2: see domain_xml.h. */
#include "domain_xml.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/* ---- errors ----------------------------------------------------------- */

static void set_error(char **error, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void set_error(char **error, const char *format, ...)
{
    if (!error)
        return;
    free(*error);
    *error = NULL;
    va_list args;
    va_start(args, format);
    if (vasprintf(error, format, args) < 0)
        *error = NULL;
    va_end(args);
}

static void set_oom(char **error, const char *source)
{
    set_error(error, "%s: out of memory while reading the XML", source);
}

/* ---- libxml2 setup and parsing --------------------------------------- */

static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;

/* xmlInitParser() must run once before threads parse concurrently. */
static void libxml_init(void)
{
    xmlInitParser();
}

/* Parses a whole document and checks its root element's name. Never touches the
 * network, never loads a DTD and never expands entities, so hostile input can
 * neither read local files nor blow up memory. */
static xmlDocPtr parse_document(const char *xml, const char *source, const char *root_name,
                                char **error)
{
    pthread_once(&libxml_once, libxml_init);
    if (!xml) {
        set_error(error, "%s: no XML given", source);
        return NULL;
    }
    size_t length = strlen(xml);
    if (length > INT_MAX) {
        set_error(error, "%s: the document is too large to parse (%zu bytes)", source, length);
        return NULL;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        set_oom(error, source);
        return NULL;
    }
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)length, NULL, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    if (!doc || !ctxt->wellFormed) {
        const xmlError *last = xmlCtxtGetLastError(ctxt);
        if (last && last->message) {
            /* libxml2's messages end with a newline; the line is where it noticed. */
            size_t n = strlen(last->message);
            while (n > 0 && (last->message[n - 1] == '\n' || last->message[n - 1] == ' '))
                n--;
            set_error(error, "%s:%d: %.*s (fix the XML at that line)", source, last->line,
                      (int)n, last->message);
        } else {
            set_error(error, "%s: not well-formed XML", source);
        }
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);

    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !root->name || strcmp((const char *)root->name, root_name) != 0) {
        set_error(error, "%s: the root element is <%s>, not <%s>: give a %s document",
                  source, root && root->name ? (const char *)root->name : "",
                  root_name, root_name);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* ---- XPath helpers ---------------------------------------------------- */

/* Evaluates string(expr) relative to node. *out is a malloc'd copy, or NULL when
 * the value is empty or absent. Returns -1 only when XPath itself failed
 * (out of memory: the expressions are fixed and valid). */
static int xp_string(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr, char **out)
{
    *out = NULL;
    xpath->node = node;
    char full[256];
    int n = snprintf(full, sizeof(full), "string(%s)", expr);
    if (n < 0 || (size_t)n >= sizeof(full))
        return -1;
    xmlXPathObjectPtr result = xmlXPathEvalExpression((const xmlChar *)full, xpath);
    if (!result)
        return -1;
    int rc = 0;
    if (result->type == XPATH_STRING && result->stringval && result->stringval[0]) {
        *out = strdup((const char *)result->stringval);
        if (!*out)
            rc = -1;
    }
    xmlXPathFreeObject(result);
    return rc;
}

/* boolean(expr) relative to node; -1 on XPath failure. */
static int xp_bool(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr, bool *out)
{
    *out = false;
    xpath->node = node;
    xmlXPathObjectPtr result = xmlXPathEvalExpression((const xmlChar *)expr, xpath);
    if (!result)
        return -1;
    *out = xmlXPathCastToBoolean(result) != 0;
    xmlXPathFreeObject(result);
    return 0;
}

/* Node set for expr relative to node; the caller frees the object. NULL on failure. */
static xmlXPathObjectPtr xp_nodes(xmlXPathContextPtr xpath, xmlNodePtr node, const char *expr)
{
    xpath->node = node;
    return xmlXPathEvalExpression((const xmlChar *)expr, xpath);
}

static size_t node_count(const xmlXPathObjectPtr object)
{
    if (!object || object->type != XPATH_NODESET || !object->nodesetval)
        return 0;
    return (size_t)object->nodesetval->nodeNr;
}

/* ---- numbers ---------------------------------------------------------- */

static int parse_unsigned(const char *text, int base, unsigned long long *out)
{
    if (!text || !*text || text[0] == '-' || text[0] == '+')
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long long value = strtoull(text, &end, base);
    while (end && (*end == ' ' || *end == '\t' || *end == '\n'))
        end++;
    if (errno || !end || end == text || *end)
        return -1;
    *out = value;
    return 0;
}

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
    if (xp_string(xpath, root, expr, &text) < 0)
        goto oom;
    snprintf(expr, sizeof(expr), "./%s[1]/@unit", element);
    if (xp_string(xpath, root, expr, &unit) < 0)
        goto oom;
    if (!text) {
        rc = 0;
        goto cleanup;
    }
    unsigned long long value = 0;
    if (parse_unsigned(text, 10, &value) < 0) {
        set_error(error, "%s: <%s> is '%s', not a whole number: write the size in KiB, "
                  "e.g. <%s unit='KiB'>1048576</%s>", source, element, text, element, element);
        goto cleanup;
    }
    unsigned long long scale = memory_unit_scale(unit);
    if (scale == 0) {
        set_error(error, "%s: <%s unit='%s'>: unknown unit; use b, KiB, MiB, GiB or TiB",
                  source, element, unit);
        goto cleanup;
    }
    if (value > ULLONG_MAX / scale) {
        set_error(error, "%s: <%s> %s %s is too large", source, element, text,
                  unit ? unit : "KiB");
        goto cleanup;
    }
    unsigned long long bytes = value * scale;
    *out_kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    *present = true;
    rc = 0;
    goto cleanup;
oom:
    set_oom(error, source);
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
                     const char *source, DomainDisk *disk, char **error)
{
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
        if (xp_string(xpath, node, fields[i].expr, slot) < 0)
            goto oom;
    }
    /* A network disk names its image with source/@name, a volume disk with
     * source/@volume: both are "which object in that storage". */
    if (xp_string(xpath, node, "./source/@name", &disk->source_name) < 0)
        goto oom;
    if (!disk->source_name &&
        xp_string(xpath, node, "./source/@volume", &disk->source_name) < 0)
        goto oom;
    if (!disk->device && !(disk->device = strdup("disk")))
        goto oom;
    if (!disk->source_type && !(disk->source_type = strdup("file")))
        goto oom;
    if (xp_bool(xpath, node, "boolean(./readonly)", &disk->readonly) < 0 ||
        xp_bool(xpath, node, "boolean(./shareable)", &disk->shareable) < 0)
        goto oom;
    if (!disk->target_dev) {
        set_error(error, "%s: disk %zu (<disk> number %zu under <devices>) has no "
                  "<target dev=.../>: every disk needs a target name such as vda",
                  source, index + 1, index + 1);
        return -1;
    }
    return 0;
oom:
    set_oom(error, source);
    return -1;
}

static int read_disks(xmlXPathContextPtr xpath, xmlNodePtr root, const char *source,
                      DomainXmlInfo *info, char **error)
{
    int rc = -1;
    xmlXPathObjectPtr nodes = xp_nodes(xpath, root, "./devices/disk");
    if (!nodes) {
        set_oom(error, source);
        return -1;
    }
    size_t count = node_count(nodes);
    if (count && !(info->disks = calloc(count, sizeof(*info->disks)))) {
        set_oom(error, source);
        goto cleanup;
    }
    for (size_t i = 0; i < count; i++) {
        info->disk_count = i + 1;   /* so domain_xml_free frees what was filled */
        if (read_disk(xpath, nodes->nodesetval->nodeTab[i], i, source,
                      &info->disks[i], error) < 0)
            goto cleanup;
    }
    rc = 0;
cleanup:
    xmlXPathFreeObject(nodes);
    return rc;
}

static int read_interfaces(xmlXPathContextPtr xpath, xmlNodePtr root, const char *source,
                           DomainXmlInfo *info, char **error)
{
    int rc = -1;
    xmlXPathObjectPtr nodes = xp_nodes(xpath, root, "./devices/interface");
    if (!nodes)
        goto oom;
    size_t count = node_count(nodes);
    if (count && !(info->interfaces = calloc(count, sizeof(*info->interfaces))))
        goto oom;
    for (size_t i = 0; i < count; i++) {
        xmlNodePtr node = nodes->nodesetval->nodeTab[i];
        DomainInterface *interface = &info->interfaces[i];
        info->interface_count = i + 1;
        if (xp_string(xpath, node, "./@type", &interface->type) < 0 ||
            xp_string(xpath, node, "./mac/@address", &interface->mac) < 0 ||
            xp_string(xpath, node, "./model/@type", &interface->model) < 0)
            goto oom;
        /* type network: source/@network; bridge: source/@bridge; direct: source/@dev */
        if (xp_string(xpath, node, "./source/@network", &interface->source) < 0)
            goto oom;
        if (!interface->source &&
            xp_string(xpath, node, "./source/@bridge", &interface->source) < 0)
            goto oom;
        if (!interface->source &&
            xp_string(xpath, node, "./source/@dev", &interface->source) < 0)
            goto oom;
    }
    rc = 0;
    goto cleanup;
oom:
    set_oom(error, source);
cleanup:
    xmlXPathFreeObject(nodes);
    return rc;
}

/* A PCI address attribute ("0x0000", "0x03"...), with libvirt's bounds. */
static int read_pci_part(xmlXPathContextPtr xpath, xmlNodePtr node, const char *attribute,
                         unsigned max, unsigned *out, const char *source, size_t index,
                         char **error)
{
    char expr[64];
    char *text = NULL;
    snprintf(expr, sizeof(expr), "./source/address/@%s", attribute);
    if (xp_string(xpath, node, expr, &text) < 0) {
        set_oom(error, source);
        return -1;
    }
    unsigned long long value = 0;
    if (!text) {
        *out = 0;       /* libvirt's default for an omitted PCI domain */
        return 0;
    }
    if (parse_unsigned(text, 0, &value) < 0 || value > max) {
        set_error(error, "%s: hostdev %zu: PCI address %s='%s' is not a number from 0 to "
                  "0x%x: write it like %s='0x%02x'", source, index + 1, attribute, text, max,
                  attribute, 0);
        free(text);
        return -1;
    }
    free(text);
    *out = (unsigned)value;
    return 0;
}

static int read_hostdevs(xmlXPathContextPtr xpath, xmlNodePtr root, const char *source,
                         DomainXmlInfo *info, char **error)
{
    int rc = -1;
    xmlXPathObjectPtr nodes = xp_nodes(xpath, root, "./devices/hostdev");
    if (!nodes) {
        set_oom(error, source);
        return -1;
    }
    size_t count = node_count(nodes);
    if (count && !(info->hostdevs = calloc(count, sizeof(*info->hostdevs)))) {
        set_oom(error, source);
        goto cleanup;
    }
    for (size_t i = 0; i < count; i++) {
        xmlNodePtr node = nodes->nodesetval->nodeTab[i];
        DomainHostdev *hostdev = &info->hostdevs[i];
        info->hostdev_count = i + 1;
        if (xp_string(xpath, node, "./@type", &hostdev->type) < 0) {
            set_oom(error, source);
            goto cleanup;
        }
        bool has_address = false;
        if (xp_bool(xpath, node, "boolean(./source/address/@bus)", &has_address) < 0) {
            set_oom(error, source);
            goto cleanup;
        }
        if (!hostdev->type || strcmp(hostdev->type, "pci") != 0 || !has_address)
            continue;
        if (read_pci_part(xpath, node, "domain", 0xffff, &hostdev->pci_domain, source, i,
                          error) < 0 ||
            read_pci_part(xpath, node, "bus", 0xff, &hostdev->pci_bus, source, i, error) < 0 ||
            read_pci_part(xpath, node, "slot", 0x1f, &hostdev->pci_slot, source, i,
                          error) < 0 ||
            read_pci_part(xpath, node, "function", 0x7, &hostdev->pci_function, source, i,
                          error) < 0)
            goto cleanup;
        hostdev->has_pci_address = true;
        snprintf(hostdev->pci_address, sizeof(hostdev->pci_address), "%04x:%02x:%02x.%x",
                 hostdev->pci_domain, hostdev->pci_bus, hostdev->pci_slot,
                 hostdev->pci_function);
    }
    rc = 0;
cleanup:
    xmlXPathFreeObject(nodes);
    return rc;
}

/* Serialises /domain/cpu (if any) into info->cpu_xml. */
static int read_cpu(xmlXPathContextPtr xpath, xmlDocPtr doc, xmlNodePtr root,
                    const char *source, DomainXmlInfo *info, char **error)
{
    int rc = -1;
    xmlBufferPtr buffer = NULL;
    xmlXPathObjectPtr nodes = xp_nodes(xpath, root, "./cpu[1]");
    if (!nodes)
        goto oom;
    if (xp_string(xpath, root, "./cpu[1]/@mode", &info->cpu_mode) < 0 ||
        xp_string(xpath, root, "./cpu[1]/model", &info->cpu_model) < 0)
        goto oom;
    if (node_count(nodes) == 0) {
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
    set_oom(error, source);
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
    if (xp_string(xpath, root, "./vcpu[1]", &text) < 0 ||
        xp_string(xpath, root, "./vcpu[1]/@current", &current) < 0) {
        set_oom(error, source);
        goto cleanup;
    }
    if (text && (parse_unsigned(text, 10, &value) < 0 || value == 0 || value > UINT_MAX)) {
        set_error(error, "%s: <vcpu> is '%s': write the number of virtual CPUs, e.g. "
                  "<vcpu>2</vcpu>", source, text);
        goto cleanup;
    }
    info->vcpus = (unsigned)value;
    info->vcpus_current = info->vcpus;
    if (current) {
        unsigned long long now = 0;
        if (parse_unsigned(current, 10, &now) < 0 || now == 0 || now > value) {
            set_error(error, "%s: <vcpu current='%s'> must be a number from 1 to %llu "
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

static int read_domain(xmlDocPtr doc, const char *source, DomainXmlInfo *info, char **error)
{
    int rc = -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlXPathContextPtr xpath = xmlXPathNewContext(doc);
    if (!xpath) {
        set_oom(error, source);
        return -1;
    }
    if (xp_string(xpath, root, "./name[1]", &info->name) < 0 ||
        xp_string(xpath, root, "./uuid[1]", &info->uuid) < 0 ||
        xp_string(xpath, root, "./@type", &info->type) < 0 ||
        xp_string(xpath, root, "./os[1]/type[1]", &info->os_type) < 0 ||
        xp_string(xpath, root, "./os[1]/type[1]/@arch", &info->os_arch) < 0 ||
        xp_string(xpath, root, "./os[1]/type[1]/@machine", &info->os_machine) < 0 ||
        xp_bool(xpath, root, "boolean(./devices/iommu)", &info->has_iommu) < 0) {
        set_oom(error, source);
        goto cleanup;
    }
    if (!info->name) {
        set_error(error, "%s: the domain has no <name>: add <name>...</name> under <domain>",
                  source);
        goto cleanup;
    }
    if (!info->type) {
        set_error(error, "%s: <domain> has no type attribute: write <domain type='kvm'>",
                  source);
        goto cleanup;
    }
    bool present = false;
    if (read_memory_kib(xpath, root, "memory", source, &info->memory_kib, &present,
                        error) < 0 ||
        read_memory_kib(xpath, root, "currentMemory", source, &info->current_memory_kib,
                        &present, error) < 0)
        goto cleanup;
    if (!present)
        info->current_memory_kib = info->memory_kib;
    if (read_vcpus(xpath, root, source, info, error) < 0 ||
        read_cpu(xpath, doc, root, source, info, error) < 0 ||
        read_disks(xpath, root, source, info, error) < 0 ||
        read_interfaces(xpath, root, source, info, error) < 0 ||
        read_hostdevs(xpath, root, source, info, error) < 0)
        goto cleanup;
    rc = 0;
cleanup:
    xmlXPathFreeContext(xpath);
    return rc;
}

int domain_xml_parse_string(const char *xml, const char *source, DomainXmlInfo **out,
                            char **error)
{
    if (!source)
        source = "domain XML";
    *out = NULL;
    xmlDocPtr doc = parse_document(xml, source, "domain", error);
    if (!doc)
        return -1;
    DomainXmlInfo *info = calloc(1, sizeof(*info));
    if (!info) {
        set_oom(error, source);
        xmlFreeDoc(doc);
        return -1;
    }
    int rc = read_domain(doc, source, info, error);
    xmlFreeDoc(doc);
    if (rc < 0) {
        domain_xml_free(info);
        return -1;
    }
    *out = info;
    return 0;
}

char *domain_xml_read_file(const char *path, char **error)
{
    if (!path || !*path) {
        set_error(error, "no file name given: type the path of an XML file");
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_error(error, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        set_error(error, "cannot read %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (S_ISDIR(st.st_mode)) {
        set_error(error, "cannot read %s: it is a directory; give an XML file", path);
        goto cleanup;
    }
    size_t capacity = 8192, used = 0;
    if (!(text = malloc(capacity))) {
        set_error(error, "cannot read %s: out of memory", path);
        goto cleanup;
    }
    for (;;) {
        if (used + 1 >= capacity) {
            if (capacity > DOMAIN_XML_MAX_FILE_BYTES) {
                set_error(error, "cannot read %s: larger than %u MiB, which no domain XML "
                          "is; check the file name", path, DOMAIN_XML_MAX_FILE_BYTES >> 20);
                goto fail;
            }
            char *bigger = realloc(text, capacity * 2);
            if (!bigger) {
                set_error(error, "cannot read %s: out of memory", path);
                goto fail;
            }
            text = bigger;
            capacity *= 2;
        }
        ssize_t n = read(fd, text + used, capacity - used - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            set_error(error, "cannot read %s: %s", path, strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    text[used] = '\0';
    if (strlen(text) != used) {
        set_error(error, "cannot use %s: it contains NUL bytes, so it is not an XML text "
                  "file", path);
        goto fail;
    }
    goto cleanup;
fail:
    free(text);
    text = NULL;
cleanup:
    close(fd);
    return text;
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

char *domain_xml_rename(const char *xml, const char *new_name, char **error)
{
    const char *source = "domain XML";
    if (!new_name || !*new_name) {
        set_error(error, "cannot rename the domain XML to an empty name: give a name");
        return NULL;
    }
    xmlDocPtr doc = parse_document(xml, source, "domain", error);
    if (!doc)
        return NULL;
    char *result = NULL;
    xmlChar *dump = NULL;
    xmlXPathContextPtr xpath = xmlXPathNewContext(doc);
    xmlXPathObjectPtr nodes = xpath ? xp_nodes(xpath, xmlDocGetRootElement(doc), "./name")
                                    : NULL;
    if (!nodes) {
        set_oom(error, source);
        goto cleanup;
    }
    if (node_count(nodes) != 1) {
        set_error(error, "%s: expected exactly one <name> under <domain>, found %zu",
                  source, node_count(nodes));
        goto cleanup;
    }
    xmlNodePtr name = nodes->nodesetval->nodeTab[0];
    /* Drop the old text, then add the new one as literal text: xmlNodeAddContent
     * does not interpret '&' or '<', so any name round-trips escaped. */
    xmlNodeSetContent(name, NULL);
    xmlNodeAddContent(name, (const xmlChar *)new_name);
    int size = 0;
    xmlDocDumpMemory(doc, &dump, &size);
    if (!dump || size < 0 || !(result = strndup((const char *)dump, (size_t)size))) {
        set_oom(error, source);
        goto cleanup;
    }
cleanup:
    xmlFree(dump);
    xmlXPathFreeObject(nodes);
    xmlXPathFreeContext(xpath);
    xmlFreeDoc(doc);
    return result;
}

/* ---- capabilities ----------------------------------------------------- */

void capabilities_info_free(CapabilitiesInfo *info)
{
    if (!info)
        return;
    free(info->host_uuid);
    free(info->arch);
    free(info->cpu_model);
    free(info->cpu_vendor);
    for (size_t i = 0; i < info->migration_transport_count; i++)
        free(info->migration_transports[i]);
    free(info->migration_transports);
    free(info);
}

static int read_capabilities(xmlDocPtr doc, const char *source, CapabilitiesInfo *info,
                             char **error)
{
    int rc = -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlXPathObjectPtr nodes = NULL;
    xmlXPathContextPtr xpath = xmlXPathNewContext(doc);
    if (!xpath)
        goto oom;
    if (xp_string(xpath, root, "./host/uuid", &info->host_uuid) < 0 ||
        xp_string(xpath, root, "./host/cpu/arch", &info->arch) < 0 ||
        xp_string(xpath, root, "./host/cpu/model", &info->cpu_model) < 0 ||
        xp_string(xpath, root, "./host/cpu/vendor", &info->cpu_vendor) < 0 ||
        xp_bool(xpath, root, "boolean(./host/migration_features/live)",
                &info->live_migration) < 0)
        goto oom;
    if (!info->host_uuid) {
        set_error(error, "%s: no <host><uuid>: this is not a libvirt capabilities document",
                  source);
        goto cleanup;
    }
    if (!(nodes = xp_nodes(xpath, root, "./host/migration_features/uri_transports/"
                                        "uri_transport")))
        goto oom;
    size_t count = node_count(nodes);
    if (count && !(info->migration_transports = calloc(count, sizeof(char *))))
        goto oom;
    for (size_t i = 0; i < count; i++) {
        char *text = NULL;
        if (xp_string(xpath, nodes->nodesetval->nodeTab[i], ".", &text) < 0)
            goto oom;
        if (text)
            info->migration_transports[info->migration_transport_count++] = text;
    }
    rc = 0;
    goto cleanup;
oom:
    set_oom(error, source);
cleanup:
    xmlXPathFreeObject(nodes);
    xmlXPathFreeContext(xpath);
    return rc;
}

int capabilities_xml_parse(const char *xml, CapabilitiesInfo **out, char **error)
{
    const char *source = "capabilities XML";
    *out = NULL;
    xmlDocPtr doc = parse_document(xml, source, "capabilities", error);
    if (!doc)
        return -1;
    CapabilitiesInfo *info = calloc(1, sizeof(*info));
    if (!info) {
        set_oom(error, source);
        xmlFreeDoc(doc);
        return -1;
    }
    int rc = read_capabilities(doc, source, info, error);
    xmlFreeDoc(doc);
    if (rc < 0) {
        capabilities_info_free(info);
        return -1;
    }
    *out = info;
    return 0;
}

/* ---- storage pool ----------------------------------------------------- */

void storage_pool_info_free(StoragePoolInfo *info)
{
    if (!info)
        return;
    free(info->name);
    free(info->type);
    free(info->target_path);
    free(info);
}

int storage_pool_xml_parse(const char *xml, StoragePoolInfo **out, char **error)
{
    const char *source = "storage pool XML";
    *out = NULL;
    xmlDocPtr doc = parse_document(xml, source, "pool", error);
    if (!doc)
        return -1;
    int rc = -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    StoragePoolInfo *info = calloc(1, sizeof(*info));
    xmlXPathContextPtr xpath = info ? xmlXPathNewContext(doc) : NULL;
    if (!xpath ||
        xp_string(xpath, root, "./name", &info->name) < 0 ||
        xp_string(xpath, root, "./@type", &info->type) < 0 ||
        xp_string(xpath, root, "./target/path", &info->target_path) < 0) {
        set_oom(error, source);
        goto cleanup;
    }
    if (!info->name) {
        set_error(error, "%s: the pool has no <name>", source);
        goto cleanup;
    }
    *out = info;
    info = NULL;
    rc = 0;
cleanup:
    storage_pool_info_free(info);
    xmlXPathFreeContext(xpath);
    xmlFreeDoc(doc);
    return rc;
}
