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

static int read_capabilities(xmlDocPtr doc, const char *source, CapabilitiesInfo *info,
                             char **error)
{
    int rc = -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlXPathObjectPtr nodes = NULL;
    xmlXPathContextPtr xpath = xmlXPathNewContext(doc);
    if (!xpath)
        goto oom;
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
    xmlXPathFreeContext(xpath);
    return rc;
}

int capabilities_xml_parse(const char *xml, CapabilitiesInfo **out, char **error)
{
    const char *source = "capabilities XML";
    *out = NULL;
    xmlDocPtr doc = xml_parse_document(xml, source, "capabilities", error);
    if (!doc)
        return -1;
    CapabilitiesInfo *info = calloc(1, sizeof(*info));
    if (!info) {
        xml_set_oom(error, source);
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
    xmlDocPtr doc = xml_parse_document(xml, source, "pool", error);
    if (!doc)
        return -1;
    int rc = -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    StoragePoolInfo *info = calloc(1, sizeof(*info));
    xmlXPathContextPtr xpath = info ? xmlXPathNewContext(doc) : NULL;
    if (!xpath ||
        xml_xp_string(xpath, root, "./name", &info->name) < 0 ||
        xml_xp_string(xpath, root, "./@type", &info->type) < 0 ||
        xml_xp_string(xpath, root, "./target/path", &info->target_path) < 0) {
        xml_set_oom(error, source);
        goto cleanup;
    }
    if (!info->name) {
        xml_set_error(error, "%s: the pool has no <name>", source);
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
