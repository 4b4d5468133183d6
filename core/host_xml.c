/* Capabilities and storage pool XML (declared in domain_xml.h): what the
 * pre-flight checks compare between hosts. */
#include "domain_xml.h"

#include <stdlib.h>

#include "xml_util.h"

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

static int read_capabilities(xmlXPathContextPtr xpath, xmlDocPtr doc, xmlNodePtr root,
                             const char *source, void *target, char **error)
{
    (void)doc;
    CapabilitiesInfo *info = target;
    int rc = -1;
    xmlXPathObjectPtr nodes = NULL;
    if (xml_xp_string(xpath, root, "./host/uuid", &info->host_uuid) < 0 ||
        xml_xp_string(xpath, root, "./host/cpu/arch", &info->arch) < 0 ||
        xml_xp_string(xpath, root, "./host/cpu/model", &info->cpu_model) < 0 ||
        xml_xp_string(xpath, root, "./host/cpu/vendor", &info->cpu_vendor) < 0 ||
        xml_xp_bool(xpath, root, "boolean(./host/migration_features/live)",
                &info->live_migration) < 0)
        goto oom;
    if (!info->host_uuid) {
        xml_set_error(error, "%s: no <host><uuid>: this is not a libvirt capabilities document",
                  source);
        goto cleanup;
    }
    if (!(nodes = xml_xp_nodes(xpath, root, "./host/migration_features/uri_transports/"
                                        "uri_transport")))
        goto oom;
    size_t count = xml_node_count(nodes);
    if (count && !(info->migration_transports = calloc(count, sizeof(char *))))
        goto oom;
    for (size_t i = 0; i < count; i++) {
        char *text = NULL;
        if (xml_xp_string(xpath, nodes->nodesetval->nodeTab[i], ".", &text) < 0)
            goto oom;
        if (text)
            info->migration_transports[info->migration_transport_count++] = text;
    }
    rc = 0;
    goto cleanup;
oom:
    xml_set_oom(error, source);
cleanup:
    xmlXPathFreeObject(nodes);
    return rc;
}

int capabilities_xml_parse(const char *xml, CapabilitiesInfo **out, char **error)
{
    const char *source = "capabilities XML";
    *out = NULL;
    CapabilitiesInfo *info = calloc(1, sizeof(*info));
    if (!info) {
        xml_set_oom(error, source);
        return -1;
    }
    if (xml_read_document(xml, source, "capabilities", read_capabilities, info, error) < 0) {
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

static int read_storage_pool(xmlXPathContextPtr xpath, xmlDocPtr doc, xmlNodePtr root,
                             const char *source, void *target, char **error)
{
    (void)doc;
    StoragePoolInfo *info = target;
    if (xml_xp_string(xpath, root, "./name", &info->name) < 0 ||
        xml_xp_string(xpath, root, "./@type", &info->type) < 0 ||
        xml_xp_string(xpath, root, "./target/path", &info->target_path) < 0) {
        xml_set_oom(error, source);
        return -1;
    }
    if (!info->name) {
        xml_set_error(error, "%s: the pool has no <name>", source);
        return -1;
    }
    return 0;
}

int storage_pool_xml_parse(const char *xml, StoragePoolInfo **out, char **error)
{
    const char *source = "storage pool XML";
    *out = NULL;
    StoragePoolInfo *info = calloc(1, sizeof(*info));
    if (!info) {
        xml_set_oom(error, source);
        return -1;
    }
    if (xml_read_document(xml, source, "pool", read_storage_pool, info, error) < 0) {
        storage_pool_info_free(info);
        return -1;
    }
    *out = info;
    return 0;
}
